namespace Candles.EndToEnd.Tests;

/// <summary>What the tests' grain call filters look for: a call of one interface method, by its first argument.</summary>
internal static class GrainCalls
{
    /// <summary>True, with its first argument, when <paramref name="context"/> calls <paramref name="method"/> with a <typeparamref name="T"/>.</summary>
    public static bool Calls<T>(IGrainCallContext context, string method, out T argument)
    {
        if (context.InterfaceMethod?.Name == method && context.Request.GetArgument(0) is T first)
        {
            argument = first;
            return true;
        }

        argument = default!;
        return false;
    }
}
