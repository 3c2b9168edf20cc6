using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;
using Candles.Core.Timeframes;
using Candles.Grains.Options;
using Candles.Storage.Sealed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Candles.Grains;

/// <summary>
/// One timeframe of one instrument: composes its bars from the instrument's 1m bars on request. Calendar
/// bars of a sealed zone are composed from days instead: the sealed days (PostgreSQL) and, for days not sealed
/// yet or corrected since, days composed from 1m, so they stay exact after the 1m bars are gone.
/// Candles composed from closed data are cached under the instrument's closed-bar version and the sealer's
/// version, so a request between changes only folds in the live minute. While observers (the gateways' live
/// feeds) follow it, the grain takes the 1m messages pushed by the instrument's grain and pushes the timeframe's
/// updates, closes and corrections to them; with no observer left it stops following.
/// </summary>
public sealed class TimeframeGrain(ISealedBarStore sealedBars, IOptions<SealOptions> seal, ILogger<TimeframeGrain> logger) : Grain, ITimeframeGrain
{
    private ISymbolGrain _symbol = null!;
    private IPeriodGrain? _sealer;
    private CandleCache _cache = null!;
    private BarRequests _requests = null!;
    private TimeframeFollowers _followers = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var (instrument, timeframe, zone) = GrainKeys.ParseTimeframe(key);
        _symbol = GrainFactory.GetGrain<ISymbolGrain>(instrument);
        var schedule = BarSchedule.For(timeframe, TimeZones.Find(zone));
        SealedDays? sealedDays = null;
        if (!timeframe.IsIntraday && seal.Value.AllZones.Contains(zone))
        {
            sealedDays = new SealedDays(sealedBars, instrument, timeframe, zone, key, logger);
            _sealer = GrainFactory.GetGrain<IPeriodGrain>(GrainKeys.Period(instrument, zone));
        }

        _cache = new CandleCache(_symbol, schedule, sealedDays);
        _requests = new BarRequests(_symbol, schedule, sealedDays);

        // Subscriptions to the 1m stream kept by the pub-sub store from versions that followed it that way.
        await this.MinuteStream(instrument).UnfollowAsync();

        // The sequence starts from the wall clock, so a new activation never repeats an old one's.
        var (live, sealState) = await CurrentAsync();
        try
        {
            await _cache.EnsureAsync(live, sealState);
        }
        catch (InstrumentUnavailableException)
        {
            // The sealed days cannot be read now (logged): the first request tries again, or answers from the 1m history.
        }

        var publisher = new TimeframePublisher(_cache.WatermarkUs(live), TimeProvider.System.GetUtcNow().UtcTicks);
        _followers = new TimeframeFollowers(key, _symbol, _cache, publisher, sealedZone: _sealer is not null, CurrentAsync, logger);
    }

    public Task<long> Watch() => Task.FromResult(_followers.Sequence);

    public Task<long> Follow(ILiveBarsObserver observer) => _followers.FollowAsync(observer);

    public Task Unfollow(ILiveBarsObserver observer) => _followers.UnfollowAsync(observer);

    public Task<int> GetFollowerCount() => Task.FromResult(_followers.Count);

    /// <summary>A 1m message pushed by the instrument's grain: what it changed goes to the following feeds.</summary>
    public Task OnMinutes(BarEvents message) => _followers.OnMinutesAsync(message);

    public async Task<TimeframeSnapshot> Snapshot(BarsQuery query) => new(await ReadAsync(query, snapshot: true), _followers.Sequence);

    public Task<BarsPage> GetBars(BarsQuery query) => ReadAsync(query, snapshot: false);

    private async Task<BarsPage> ReadAsync(BarsQuery query, bool snapshot)
    {
        try
        {
            return await ComposeAsync(query, snapshot);
        }
        catch (InstrumentUnavailableException) when (_sealer is not null)
        {
            return await _requests.FromMinutesOnlyAsync(query) ?? throw new InstrumentUnavailableException(
                $"the sealed bars of {this.GetPrimaryKeyString()} cannot be read now and the 1m history does not cover the request; retry");
        }
    }

    private async Task<BarsPage> ComposeAsync(BarsQuery query, bool snapshot)
    {
        if (query.FootprintStepTicks is not null && !snapshot)
        {
            return await _requests.FootprintsAsync(query, _sealer is null ? long.MinValue : (await _sealer.GetSealState()).SealedThroughMs);
        }

        if (query.FootprintStepTicks is not null)
        {
            // The footprints are composed from minutes read in one turn with the state pushed below: read apart, a bar
            // could close between the two, and the snapshot show it closed before a message pushes it as live.
            var sealState = _sealer is null ? null : await _sealer.GetSealState();
            var (page, live) = await _requests.FootprintsAtStateAsync(query, sealState?.SealedThroughMs ?? long.MinValue, withState: true);
            await TakeAsync(live!, sealState);
            return page;
        }

        var read = await CurrentAsync();
        if (snapshot)
        {
            await TakeAsync(read.Live, read.Seal);
        }

        await _cache.EnsureAsync(read.Live, read.Seal);
        return _cache.Candles(query, read.Live);
    }

    /// <summary>
    /// A snapshot holds everything up to the sequence it gives. 1m messages still on their way here carry older states
    /// than the one read: what they say is pushed now, from this state, and they are passed over when they come, by a
    /// footprint feed too (it reads each pushed bar's footprint as it is then).
    /// </summary>
    private async Task TakeAsync(LiveState live, SealState? sealState)
    {
        if (!_followers.Taken(live.Producer, live.Sequence))
        {
            await _followers.PushAsync(null, (live, sealState));
        }
    }

    private async Task<(LiveState Live, SealState? Seal)> CurrentAsync() =>
        (await _symbol.GetLiveState(), _sealer is null ? null : await _sealer.GetSealState());
}
