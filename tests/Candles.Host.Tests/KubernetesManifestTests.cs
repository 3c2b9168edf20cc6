using System.Diagnostics;
using System.Net;
using System.Reflection;
using Candles.Gateway.Options;
using Candles.Grains.Hosting;
using Candles.Grains.Options;
using Candles.Host.Serving;
using Candles.Ingest.Feeds;
using Candles.Testing;
using Microsoft.AspNetCore.Builder;
using Orleans.Hosting.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace Candles.Host.Tests;

/// <summary>
/// <c>infra/k8s</c> renders with kustomize (kubectl's) and lints clean, and what it gives the candles containers is
/// what the application reads: every environment name a configuration key, every container port one the process is
/// configured to listen on, every probe a path the running process answers, every service port a container's.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string K8s = Path.Combine(GoldenFiles.RepositoryRoot, "infra", "k8s");

    /// <summary>The configuration keys the application reads, from its options classes and its composition root.</summary>
    private static readonly HashSet<string> Keys = BuildKeys();

    /// <summary>The environment names Orleans' Kubernetes hosting reads.</summary>
    private static readonly HashSet<string> KubernetesHostingNames =
    [
        KubernetesHostingOptions.PodNameEnvironmentVariable, KubernetesHostingOptions.PodNamespaceEnvironmentVariable, KubernetesHostingOptions.PodIPEnvironmentVariable,
        KubernetesHostingOptions.ClusterIdEnvironmentVariable, KubernetesHostingOptions.ServiceIdEnvironmentVariable,
    ];

    private static HashSet<string> BuildKeys()
    {
        (Type Type, string Section)[] sections =
        [
            (typeof(SiloOptions), SiloOptions.Section), (typeof(GatewayOptions), GatewayOptions.Section), (typeof(SymbolGrainOptions), SymbolGrainOptions.Section),
            (typeof(SealOptions), SealOptions.Section), (typeof(FeedOptions), FeedOptions.Section),
        ];
        var keys = sections.SelectMany(s => s.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => $"{s.Section}:{p.Name}"));
        return new HashSet<string>(
            [.. keys, "Candles:Redis", "Candles:Postgres", "Candles:Ingest:ApiKey", CandlesSiloBuilderExtensions.MaxFutureSkewKey, ServiceRoles.Setting, CandlesServer.DashboardSetting, "HTTP_PORTS"],
            StringComparer.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("base")]
    [InlineData("overlays/dev")]
    public async Task TheKustomizationRendersAndMatchesTheApplicationsConfiguration(string directory)
    {
        var documents = Render(directory);
        var configMaps = Named(documents, "ConfigMap");
        var secrets = Named(documents, "Secret");
        var workloads = documents.Where(d => Kind(d) is "Deployment" or "StatefulSet").ToList();
        var candles = workloads.SelectMany(w => Containers(w).Select(c => (Workload: w, Container: c))).Where(x => Text(x.Container, "image").Contains("candles", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, candles.Count);

        using var app = await StartedAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        foreach (var (workload, container) in candles)
        {
            var name = Text(Map(workload, "metadata"), "name");
            var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var env in Sequence(container, "env"))
            {
                settings[Text(env, "name")] = env.Children.ContainsKey("value") ? Text(env, "value") : null;
            }

            foreach (var source in Sequence(container, "envFrom"))
            {
                var (kind, found) = source.Children.ContainsKey("configMapRef") ? ("ConfigMap", configMaps) : ("Secret", secrets);
                var reference = Text(Map(source, kind == "ConfigMap" ? "configMapRef" : "secretRef"), "name");
                Assert.True(found.TryGetValue(reference, out var data), $"{name}: {kind} {reference} is not in the kustomization");
                foreach (var (key, value) in data)
                {
                    settings[key] = value;
                }
            }

            // Orleans' Kubernetes hosting, where a container turns it on, reads the pod's identity from the environment.
            var kubernetes = string.Equals(settings.GetValueOrDefault("Candles__Silo__Kubernetes"), "true", StringComparison.OrdinalIgnoreCase);
            foreach (var setting in settings.Keys)
            {
                Assert.True(
                    Keys.Contains(ConfigurationKey(setting)) || (kubernetes && KubernetesHostingNames.Contains(setting)),
                    $"{name}: {setting} is not a setting of the application ({ConfigurationKey(setting)})");
            }

            if (kubernetes)
            {
                AssertKubernetesHosting(documents, workload, container, settings);
            }

            // Every container port is a port the process is configured to listen on, and each of those is declared.
            var configured = settings.Where(s => s.Key.EndsWith("Port", StringComparison.OrdinalIgnoreCase) || s.Key.EndsWith("HTTP_PORTS", StringComparison.OrdinalIgnoreCase))
                .Where(s => s.Value is not null).ToDictionary(s => s.Key, s => int.Parse(s.Value!, System.Globalization.CultureInfo.InvariantCulture), StringComparer.OrdinalIgnoreCase);
            var role = settings.GetValueOrDefault("Candles__Role");
            var listened = configured.Where(s => Listens(role, s.Key)).Select(s => s.Value).ToHashSet();
            var ports = Sequence(container, "ports").ToDictionary(p => Text(p, "name"), p => int.Parse(Text(p, "containerPort"), System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(listened.Order(), ports.Values.Order());

            foreach (var probe in new[] { "livenessProbe", "readinessProbe" })
            {
                var get = Map(Map(container, probe), "httpGet");
                Assert.True(ports.ContainsKey(Text(get, "port")), $"{name}: {probe} names port {Text(get, "port")}, not a container port");
                using var answer = await http.GetAsync(Text(get, "path").TrimStart('/'));
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{name}: {probe} path {Text(get, "path")} answers {answer.StatusCode}");
            }
        }

        // Silos and gateways find each other under one cluster id: every candles pod carries the same one.
        var clusterIds = candles.Select(x => Map(Map(Map(Map(x.Workload, "spec"), "template"), "metadata"), "labels").Children
            .Single(l => l.Key.ToString() == KubernetesHostingOptions.ClusterIdLabel).Value.ToString()).Distinct().ToList();
        Assert.Single(clusterIds);

        // Each service's target ports are named ports of the pods it selects.
        foreach (var service in documents.Where(d => Kind(d) == "Service"))
        {
            var selector = Map(Map(service, "spec"), "selector").Children.ToDictionary(c => c.Key.ToString(), c => c.Value.ToString());
            var pods = workloads.Where(w => selector.All(s => Map(Map(Map(Map(w, "spec"), "template"), "metadata"), "labels").Children.Any(l => l.Key.ToString() == s.Key && l.Value.ToString() == s.Value))).ToList();
            Assert.NotEmpty(pods);
            var names = pods.SelectMany(Containers).SelectMany(c => Sequence(c, "ports")).Select(p => Text(p, "name")).ToHashSet();
            foreach (var port in Sequence(Map(service, "spec"), "ports"))
            {
                Assert.Contains(Text(port, "targetPort"), names);
            }
        }
    }

    /// <summary>
    /// A container with Orleans' Kubernetes hosting gets every name it reads, each from the downward API (its labels from
    /// the pod's own), and runs under a service account whose role may get, list, watch and patch pods.
    /// </summary>
    private static void AssertKubernetesHosting(List<YamlMappingNode> documents, YamlMappingNode workload, YamlMappingNode container, Dictionary<string, string?> settings)
    {
        Assert.All(KubernetesHostingNames, n => Assert.True(settings.ContainsKey(n), $"{n} is not given to the silo"));
        var template = Map(Map(workload, "spec"), "template");
        var labels = Map(Map(template, "metadata"), "labels").Children.ToDictionary(c => c.Key.ToString(), c => c.Value.ToString());
        foreach (var env in Sequence(container, "env").Where(e => KubernetesHostingNames.Contains(Text(e, "name"))))
        {
            var path = Text(Map(Map(env, "valueFrom"), "fieldRef"), "fieldPath");
            if (path.StartsWith("metadata.labels['", StringComparison.Ordinal))
            {
                Assert.True(labels.ContainsKey(path["metadata.labels['".Length..^2]), $"{Text(env, "name")} reads {path}, which the pod does not carry");
            }
        }

        Assert.Equal(labels[KubernetesHostingOptions.ClusterIdLabel], labels[KubernetesHostingOptions.ServiceIdLabel]);
        var account = Text(Map(template, "spec"), "serviceAccountName");
        Assert.Contains(documents, d => Kind(d) == "ServiceAccount" && Text(Map(d, "metadata"), "name") == account);
        var binding = Assert.Single(documents, d => Kind(d) == "RoleBinding" && Sequence(d, "subjects").Any(s => Text(s, "name") == account));
        var role = Assert.Single(documents, d => Kind(d) == "Role" && Text(Map(d, "metadata"), "name") == Text(Map(binding, "roleRef"), "name"));
        var verbs = Sequence(role, "rules").Where(r => ((YamlSequenceNode)r.Children["resources"]).Children.Any(x => x.ToString() == "pods"))
            .SelectMany(r => ((YamlSequenceNode)r.Children["verbs"]).Children.Select(v => v.ToString())).ToHashSet();
        Assert.Superset(verbs, new HashSet<string> { "get", "list", "watch", "patch" });
    }

    [Fact]
    public void TheManifestsPassYamllint()
    {
        var (exit, output) = Run("yamllint", "-c", Path.Combine(K8s, ".yamllint"), "-f", "parsable", K8s);
        Assert.True(exit == 0, output);
    }

    /// <summary>Which port settings a role's process listens on: a silo the silo and gateway ports, a gateway the gRPC port, both HTTP.</summary>
    private static bool Listens(string? role, string setting) =>
        setting.EndsWith("HTTP_PORTS", StringComparison.OrdinalIgnoreCase)
        || (role == "gateway" ? setting.Equals("Candles__Gateway__GrpcPort", StringComparison.OrdinalIgnoreCase) : setting.StartsWith("Candles__Silo__", StringComparison.OrdinalIgnoreCase));

    /// <summary><c>Candles__Seal__Zones__0</c> → <c>Candles:Seal:Zones</c>; <c>ASPNETCORE_HTTP_PORTS</c> → <c>HTTP_PORTS</c>.</summary>
    private static string ConfigurationKey(string environmentName)
    {
        var name = environmentName.StartsWith("ASPNETCORE_", StringComparison.Ordinal) ? environmentName["ASPNETCORE_".Length..] : environmentName;
        var parts = name.Split("__").ToList();
        while (parts.Count > 1 && parts[^1].All(char.IsAsciiDigit))
        {
            parts.RemoveAt(parts.Count - 1);
        }

        return string.Join(':', parts);
    }

    private static async Task<WebApplication> StartedAsync()
    {
        var app = CandlesServer.Build(
        [
            "--urls", "http://127.0.0.1:0", "--Candles:Silo:Simulator=false", $"--Candles:Silo:SiloPort={LoopbackPorts.Free()}",
            $"--Candles:Silo:GatewayPort={LoopbackPorts.Free()}", $"--Candles:Gateway:GrpcPort={LoopbackPorts.Free()}", "--Logging:LogLevel:Default=None",
        ]);
        await app.StartAsync();
        return app;
    }

    private static List<YamlMappingNode> Render(string directory)
    {
        var (exit, output) = Run("kubectl", "kustomize", Path.Combine(K8s, directory));
        Assert.True(exit == 0, $"kubectl kustomize {directory} failed: {output}");
        var stream = new YamlStream();
        stream.Load(new StringReader(output));
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static (int Exit, string Output) Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, process.ExitCode == 0 ? output.Result : output.Result + error);
    }

    private static Dictionary<string, Dictionary<string, string>> Named(List<YamlMappingNode> documents, string kind) =>
        documents.Where(d => Kind(d) == kind).ToDictionary(
            d => Text(Map(d, "metadata"), "name"),
            d => d.Children.TryGetValue("stringData", out var data) || d.Children.TryGetValue("data", out data)
                ? ((YamlMappingNode)data).Children.ToDictionary(c => c.Key.ToString(), c => c.Value.ToString())
                : []);

    private static IEnumerable<YamlMappingNode> Containers(YamlMappingNode workload) => Sequence(Map(Map(Map(workload, "spec"), "template"), "spec"), "containers");

    private static string Kind(YamlMappingNode document) => Text(document, "kind");

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[key];

    private static IEnumerable<YamlMappingNode> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? ((YamlSequenceNode)value).Children.Cast<YamlMappingNode>() : [];

    private static string Text(YamlMappingNode node, string key) => node.Children[key].ToString();
}
