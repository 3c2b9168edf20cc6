// Footprint panel: per bar in view and per price level, sell (bid) volume x buy (ask) volume, the POC
// outlined, the value area VAL..VAH shaded, diagonal imbalances of 3:1 or more highlighted, and a bar whose trades
// may be partial (complete: false) outlined dashed.
import { atLeastTimes, formatDecimal, parseDecimal } from "./decimal.js";
import { barX, drawPriceAxis, fitCanvas, plotArea } from "./panel.js";

const imbalanceRatio = 3;

export class FootprintView {
  constructor(canvas, chart) {
    this.canvas = canvas;
    this.chart = chart;
    this.bars = new Map(); // open time ms -> prepared bar
    this.step = null;
    this.drawn = 0;
  }

  /** Replaces every bar (a snapshot); step is the level grid as a decimal string. */
  setBars(bars, step) {
    this.step = parseDecimal(step);
    this.bars = new Map(bars.map((b) => [b.t, prepare(b, this.step)]));
    this.draw();
  }

  /** Adds or replaces one bar (an update or a correction). */
  upsert(bar) {
    if (this.step) {
      this.bars.set(bar.t, prepare(bar, this.step));
    }
  }

  clear() {
    this.bars = new Map();
    this.draw();
  }

  /** The open times of the bars held as partial (complete: false). */
  get partialTimes() {
    return [...this.bars.values()].filter((b) => b.partial).map((b) => b.t);
  }

  draw() {
    const { ctx, width, height } = fitCanvas(this.canvas);
    const { plotWidth, barWidth } = plotArea(this.chart, width);
    const visible = [];
    for (const bar of this.bars.values()) {
      const x = barX(this.chart, bar.t, plotWidth, barWidth);
      if (x !== null && bar.levels.length > 0) {
        visible.push({ bar, x });
      }
    }
    this.drawn = visible.length;
    if (visible.length === 0) {
      return;
    }

    // Rows are whole steps: the panel's price grid is the union of the visible bars' level indexes.
    const low = Math.min(...visible.map((v) => v.bar.levels[0].index));
    const high = Math.max(...visible.map((v) => v.bar.levels[v.bar.levels.length - 1].index));
    const rowHeight = height / (high - low + 1);
    const rowTop = (index) => (high - index) * rowHeight;
    const maxVolume = Math.max(...visible.flatMap((v) => v.bar.levels.map((l) => Math.max(l.bv, l.sv))));
    const columnWidth = Math.max(1, barWidth * 0.9);
    ctx.font = "10px system-ui, sans-serif";
    const textWidth = ctx.measureText("0").width;
    const showText = rowHeight >= 10 && columnWidth / 2 >= 4 * textWidth;

    ctx.save();
    ctx.beginPath();
    ctx.rect(0, 0, plotWidth, height);
    ctx.clip();
    for (const { bar, x } of visible) {
      drawBar(ctx, bar, x - columnWidth / 2, columnWidth, rowHeight, rowTop, maxVolume, showText);
    }
    ctx.restore();

    const { units, scale } = this.step;
    drawPriceAxis(ctx, plotWidth, height, low, high, (index) => rowTop(index) + rowHeight / 2, (index) => formatDecimal(BigInt(index) * units, scale));
  }
}

function drawBar(ctx, bar, left, width, rowHeight, rowTop, maxVolume, showText) {
  const half = width / 2;
  if (bar.val !== null && bar.vah !== null) {
    ctx.fillStyle = "rgba(90, 140, 255, 0.18)";
    ctx.fillRect(left, rowTop(bar.vah), width, rowTop(bar.val) - rowTop(bar.vah) + rowHeight);
  }
  for (const level of bar.levels) {
    const top = rowTop(level.index);
    const h = Math.max(1, rowHeight - 1);
    ctx.fillStyle = `rgba(239, 83, 80, ${0.15 + 0.75 * (level.sv / maxVolume)})`;
    ctx.fillRect(left, top, half - 0.5, h);
    ctx.fillStyle = `rgba(38, 166, 154, ${0.15 + 0.75 * (level.bv / maxVolume)})`;
    ctx.fillRect(left + half + 0.5, top, half - 0.5, h);
    if (level.sellImbalance) {
      ctx.strokeStyle = "#ff1744";
      ctx.lineWidth = 2;
      ctx.strokeRect(left + 1, top + 1, half - 2.5, h - 2);
    }
    if (level.buyImbalance) {
      ctx.strokeStyle = "#00e676";
      ctx.lineWidth = 2;
      ctx.strokeRect(left + half + 1.5, top + 1, half - 2.5, h - 2);
    }
    if (showText) {
      drawVolumes(ctx, level, left + half, half - 4, top + h / 2, level.index === bar.poc);
    }
  }
  if (bar.poc !== null) {
    ctx.strokeStyle = "#ffd54f";
    ctx.lineWidth = 1.5;
    ctx.strokeRect(left, rowTop(bar.poc), width, rowHeight);
  }
  if (bar.partial) {
    // Trades may be missing (complete: false): the whole column outlined dashed, as the candle is greyed.
    const top = rowTop(bar.levels[bar.levels.length - 1].index);
    ctx.strokeStyle = "#b0b6c3";
    ctx.lineWidth = 1;
    ctx.setLineDash([4, 3]);
    ctx.strokeRect(left - 1, top - 1, width + 2, rowTop(bar.levels[0].index) - top + rowHeight + 2);
    ctx.setLineDash([]);
  }
}

/** "sell | buy" either side of the column's middle, each only where it fits in its half. */
function drawVolumes(ctx, level, middle, room, y, bold) {
  ctx.fillStyle = "#e8ecf4";
  ctx.font = `${bold ? "bold " : ""}10px system-ui, sans-serif`;
  ctx.textBaseline = "middle";
  if (ctx.measureText(level.svText).width <= room) {
    ctx.textAlign = "right";
    ctx.fillText(level.svText, middle - 3, y);
  }
  if (ctx.measureText(level.bvText).width <= room) {
    ctx.textAlign = "left";
    ctx.fillText(level.bvText, middle + 3, y);
  }
  ctx.textAlign = "start";
}

/**
 * Levels as whole-step indexes (exact, from the decimal strings) plus numbers for drawing.
 * Diagonal imbalance, the order-flow convention: buying at p against selling one step below, and selling at p
 * against buying one step above; a side with no volume there is not compared (no finite ratio).
 */
function prepare(bar, step) {
  const indexOf = (price) => (price === null || price === undefined ? null : levelIndex(price, step));
  const levels = (bar.levels ?? [])
    .map((l) => ({ index: indexOf(l.p), bv: Number(l.bv), sv: Number(l.sv), bvText: l.bv, svText: l.sv }))
    .sort((a, b) => a.index - b.index);
  const byIndex = new Map(levels.map((l) => [l.index, l]));
  for (const level of levels) {
    const below = byIndex.get(level.index - 1);
    const above = byIndex.get(level.index + 1);
    // Exact, on the decimal strings: 0.3 against 0.1 is 3:1, which floats make 0.30000000000000004.
    level.buyImbalance = below !== undefined && atLeastTimes(level.bvText, below.svText, imbalanceRatio);
    level.sellImbalance = above !== undefined && atLeastTimes(level.svText, above.bvText, imbalanceRatio);
  }
  return { t: bar.t, levels, poc: indexOf(bar.poc), vah: indexOf(bar.vah), val: indexOf(bar.val), partial: bar.complete === false };
}

/** floor(price / step) as a Number: level labels are lower edges, so this is exact for them. */
function levelIndex(price, step) {
  const p = parseDecimal(price);
  const scale = Math.max(p.scale, step.scale);
  const units = p.units * 10n ** BigInt(scale - p.scale);
  const stepUnits = step.units * 10n ** BigInt(scale - step.scale);
  return Number(units / stepUnits);
}
