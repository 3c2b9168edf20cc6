// The candle chart: lightweight-charts v5 candlesticks with a volume histogram on its own overlay price scale.
// Wire candles keep their decimal strings; Number() is applied only to hand values to the chart.
import { decimals } from "./decimal.js";

const { createChart, CandlestickSeries, HistogramSeries } = window.LightweightCharts;

const up = "#26a69a";
const down = "#ef5350";
const partial = "#787b86"; // a bar whose trades may be missing (complete: false)

export class CandleChart {
  constructor(container) {
    this.chart = createChart(container, {
      autoSize: true,
      layout: { background: { color: "#131722" }, textColor: "#c9d1e0" },
      grid: { vertLines: { color: "#1e2433" }, horzLines: { color: "#1e2433" } },
      timeScale: { timeVisible: true, secondsVisible: false, rightOffset: 3 },
    });
    this.series = this.chart.addSeries(CandlestickSeries, {
      upColor: up, downColor: down, borderVisible: false, wickUpColor: up, wickDownColor: down,
    });
    this.volume = this.chart.addSeries(HistogramSeries, { priceScaleId: "volume", priceFormat: { type: "volume" } });
    // Volume takes the bottom fifth, under the candles.
    this.chart.priceScale("volume").applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    this.bars = new Map(); // open time ms -> wire candle
    this.lastTime = null;
  }

  /** Prices shown at the instrument's tick (PEPE needs 8 digits, not the default 2). */
  setInstrument(tick) {
    this.series.applyOptions({ priceFormat: { type: "price", precision: decimals(tick), minMove: Number(tick) } });
  }

  /** Axis and crosshair labels in a zone: a Tokyo day opens at 15:00 UTC the day before and must read as its own date. */
  setZone(zone) {
    const label = (options) => new Intl.DateTimeFormat("en-GB", { timeZone: zone, hourCycle: "h23", ...options });
    const full = label({ year: "numeric", month: "short", day: "2-digit", hour: "2-digit", minute: "2-digit" });
    const marks = [
      label({ year: "numeric" }), label({ month: "short" }), label({ day: "numeric", month: "short" }),
      label({ hour: "2-digit", minute: "2-digit" }), label({ hour: "2-digit", minute: "2-digit", second: "2-digit" }),
    ];
    this.chart.applyOptions({
      localization: { timeFormatter: (time) => full.format(new Date(time * 1000)) },
      timeScale: { tickMarkFormatter: (time, type) => marks[type]?.format(new Date(time * 1000)) ?? "" },
    });
  }

  /**
   * A snapshot: every bar replaced. The view shows the newest 20 to 60, wide enough for footprint columns; with
   * keepView (a new snapshot of the same choice, after a gap or a reconnect) a view scrolled back into history stays.
   */
  setBars(candles, keepView = false) {
    const timeScale = this.chart.timeScale();
    const kept = keepView && this.bars.size > 0 && timeScale.scrollPosition() < 0 ? timeScale.getVisibleRange() : null;
    this.bars = new Map(candles.map((c) => [c.t, c]));
    this.lastTime = candles.length > 0 ? candles[candles.length - 1].t : null;
    this.series.setData(candles.map(toCandle));
    this.volume.setData(candles.map(toVolume));
    if (kept) {
      timeScale.setVisibleRange(kept);
    } else if (candles.length > 0) {
      const shown = Math.min(Math.max(candles.length, 20), 60);
      timeScale.setVisibleLogicalRange({ from: candles.length - shown, to: candles.length + 2 });
    }
  }

  /**
   * An update (the live bar, or a new one) or a correction: of a bar shown, or a new bar between two shown (a late
   * trade in a minute that had none), which is put in its place. One older than the loaded history is not shown.
   */
  upsert(candle) {
    const newest = this.lastTime === null || candle.t >= this.lastTime;
    const known = this.bars.has(candle.t);
    if (!newest && !known && candle.t < this.firstTime) {
      return;
    }
    this.bars.set(candle.t, candle);
    if (newest || known) {
      this.series.update(toCandle(candle), !newest);
      this.volume.update(toVolume(candle), !newest);
    } else {
      const ordered = [...this.bars.values()].sort((a, b) => a.t - b.t);
      this.series.setData(ordered.map(toCandle));
      this.volume.setData(ordered.map(toVolume));
    }
    if (newest) {
      this.lastTime = candle.t;
    }
  }

  /** The open times of the bars shown as partial (complete: false). */
  get partialTimes() {
    return [...this.bars.values()].filter((c) => c.complete === false).map((c) => c.t);
  }

  clear() {
    this.setBars([]);
  }

  get firstTime() {
    return this.bars.size > 0 ? Math.min(...this.bars.keys()) : null;
  }

  /** The open time of the n-th newest bar (the oldest, when there are fewer), or null with none. */
  openTimeFromEnd(n) {
    const times = [...this.bars.keys()].sort((a, b) => a - b);
    return times.length === 0 ? null : times[Math.max(0, times.length - n)];
  }

  get lastBar() {
    return this.lastTime === null ? null : this.bars.get(this.lastTime);
  }
}

function toCandle(c) {
  const bar = { time: c.t / 1000, open: Number(c.o), high: Number(c.h), low: Number(c.l), close: Number(c.c) };
  return c.complete === false ? { ...bar, color: partial, borderColor: partial, wickColor: partial } : bar;
}

function toVolume(c) {
  const color = c.complete === false ? partial : Number(c.c) >= Number(c.o) ? up : down;
  return { time: c.t / 1000, value: Number(c.v), color: `${color}80` };
}
