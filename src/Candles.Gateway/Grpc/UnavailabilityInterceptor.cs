using Candles.Gateway.Requests;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Candles.Gateway.Grpc;

/// <summary>A transient failure (see <see cref="Unavailability"/>) reaches a gRPC client as <c>UNAVAILABLE</c>, which its retry policy retries.</summary>
internal sealed class UnavailabilityInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (Unavailability.IsTransient(ex))
        {
            throw Unavailable(ex);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception ex) when (Unavailability.IsTransient(ex))
        {
            throw Unavailable(ex);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (Unavailability.IsTransient(ex))
        {
            throw Unavailable(ex);
        }
    }

    private static RpcException Unavailable(Exception failure) =>
        new(new Status(StatusCode.Unavailable, $"unavailable: {Unavailability.Describe(failure)}"), new Metadata { { "code", "unavailable" } });
}
