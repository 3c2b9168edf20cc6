// Volume heatmap panel: price x time, one cell per (bar, price level), brighter where more volume traded.
import { decimals } from "./decimal.js";
import { barX, drawPriceAxis, fitCanvas, plotArea } from "./panel.js";

export class HeatmapView {
  constructor(canvas, chart) {
    this.canvas = canvas;
    this.chart = chart;
    this.data = { times: [], prices: [], cells: [] };
    this.cellCount = 0;
  }

  /** Takes a GET /api/v1/heatmap answer: times (ms), prices (level lower edges) and [ti, pi, "bv", "sv"] cells. */
  setData(data, step) {
    const prices = data.prices.map(Number);
    this.data = {
      times: data.times,
      prices,
      step: Number(step),
      stepText: step,
      cells: data.cells.map(([ti, pi, bv, sv]) => ({ ti, pi, volume: Number(bv) + Number(sv) })),
    };
    this.cellCount = data.cells.length;
    this.draw();
  }

  clear() {
    this.data = { times: [], prices: [], cells: [] };
    this.cellCount = 0;
    this.draw();
  }

  draw() {
    const { ctx, width, height } = fitCanvas(this.canvas);
    const { plotWidth, barWidth } = plotArea(this.chart, width);
    const { times, prices, cells, step } = this.data;
    const xs = times.map((t) => barX(this.chart, t, plotWidth, barWidth));
    const visible = cells.filter((c) => xs[c.ti] !== null);
    if (visible.length === 0) {
      return;
    }

    // Fit the price axis to what is in view, as the chart's own autoscale does.
    let low = Infinity;
    let high = -Infinity;
    let maxVolume = 0;
    for (const c of visible) {
      low = Math.min(low, prices[c.pi]);
      high = Math.max(high, prices[c.pi] + step);
      maxVolume = Math.max(maxVolume, c.volume);
    }
    const toY = (price) => height - ((price - low) / (high - low)) * height;
    const rowHeight = Math.max(1, (step / (high - low)) * height);
    const columnWidth = Math.max(1, barWidth);

    ctx.save();
    ctx.beginPath();
    ctx.rect(0, 0, plotWidth, height);
    ctx.clip();
    ctx.fillStyle = "#0b0f19";
    ctx.fillRect(0, 0, plotWidth, height);
    for (const c of visible) {
      // Square root: a few huge prints would otherwise leave every other cell black.
      ctx.fillStyle = heat(Math.sqrt(c.volume / maxVolume));
      ctx.fillRect(xs[c.ti] - columnWidth / 2, toY(prices[c.pi] + step), columnWidth, rowHeight);
    }
    ctx.restore();
    // Heatmap prices are level lower edges, whole multiples of the step; labels stay on that grid.
    const digits = decimals(this.data.stepText);
    drawPriceAxis(ctx, plotWidth, height, Math.round(low / step), Math.round(high / step) - 1,
      (index) => toY(index * step) - rowHeight / 2, (index) => (index * step).toFixed(digits));
  }
}

/** 0..1 -> dark blue, through red, to yellow. */
function heat(x) {
  const hue = (240 + 180 * x) % 360;
  return `hsl(${hue}, 90%, ${18 + 42 * x}%)`;
}
