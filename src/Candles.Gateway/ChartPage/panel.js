// Canvas panels under the chart share its time axis: x comes from the chart's own time scale, so a pan or
// zoom of the candles moves the footprint and the heatmap with it.

/** Sizes the canvas to its CSS box at device resolution; returns the context in CSS pixels. */
export function fitCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

/** The plot area shared with the chart: its width stops where the chart's right price scale starts. */
export function plotArea(chart, width) {
  const axis = chart.priceScale("right").width();
  return { plotWidth: Math.max(0, width - axis), axisWidth: axis, barWidth: chart.timeScale().options().barSpacing };
}

/** The x centre of the bar opening at tMs, or null when it is off screen or not on the chart. */
export function barX(chart, tMs, plotWidth, barWidth) {
  const x = chart.timeScale().timeToCoordinate(tMs / 1000);
  return x === null || x < -barWidth || x > plotWidth + barWidth ? null : x;
}

/** Price labels on a panel's right axis, every few rows of the step grid so they read as round prices. */
export function drawPriceAxis(ctx, plotWidth, height, lowIndex, highIndex, toY, label) {
  ctx.fillStyle = "#8a93a6";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textBaseline = "middle";
  const every = niceCount((highIndex - lowIndex + 1) / Math.max(2, Math.floor(height / 36)));
  for (let index = Math.ceil(lowIndex / every) * every; index <= highIndex; index += every) {
    const y = toY(index);
    if (y > 6 && y < height - 6) {
      ctx.fillText(label(index), plotWidth + 4, y);
    }
  }
}

/** The smallest 1, 2 or 5 x 10^n levels at least n. */
function niceCount(n) {
  const power = 10 ** Math.floor(Math.log10(Math.max(1, n)));
  return [1, 2, 5, 10].map((m) => m * power).find((m) => m >= n) ?? 10 * power;
}
