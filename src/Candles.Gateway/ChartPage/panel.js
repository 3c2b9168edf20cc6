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

/** A few round price labels on the right axis of a panel. */
export function drawPriceAxis(ctx, plotWidth, height, low, high, toY) {
  ctx.fillStyle = "#8a93a6";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textBaseline = "middle";
  const rows = Math.max(2, Math.floor(height / 40));
  for (let i = 0; i <= rows; i++) {
    const price = low + ((high - low) * i) / rows;
    ctx.fillText(formatAxis(price, high - low), plotWidth + 4, toY(price));
  }
}

function formatAxis(price, span) {
  const digits = span > 0 ? Math.max(0, Math.min(10, 2 - Math.floor(Math.log10(span)))) : 2;
  return price.toFixed(digits);
}
