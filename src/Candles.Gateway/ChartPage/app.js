// Wires the pickers, the WebSocket subscriptions and the three views (candles, footprint, heatmap).
import { CandleChart } from "./candles.js";
import { Controls } from "./controls.js";
import { FootprintView } from "./footprint.js";
import { HeatmapView } from "./heatmap.js";
import { CandleSocket } from "./ws.js";

const historyBars = 300;
const heatmapRefreshMs = 2000;
const $ = (id) => document.getElementById(id);

const candles = new CandleChart($("chart"));
const footprint = new FootprintView($("footprint"), candles.chart);
const heatmap = new HeatmapView($("heatmap"), candles.chart);
let selection = null;
let subscriptions = [];
let updates = 0;
let heatmapTimer = null;
let heatmapGeneration = 0;
// The footprint and the heatmap ask for fewer bars while the service refuses them as too many price levels.
let footprintHistory = historyBars;
let heatmapBars = historyBars;
let heatmapReduced = ""; // says so while the heatmap shows fewer bars
const notes = { input: "", connection: "", footprint: "", heatmap: "" }; // shown together in the message line
const statesSeen = []; // for browser tests: the last states shown, in order

function showState(state, detail) {
  statesSeen.push(state);
  if (statesSeen.length > 100) {
    statesSeen.shift();
  }
  $("connection-state").textContent = state;
  $("connection-state").dataset.state = state;
  note("connection", state === "error" || state === "retrying" ? detail : "");
}

/** Sets one part of the message line (empty clears it). */
function note(part, text) {
  notes[part] = text ?? "";
  $("message").textContent = Object.values(notes).filter((t) => t).join(" · ");
}

const socket = new CandleSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`, showState);

/** A new choice in any picker: drop the old subscriptions and views, subscribe anew (new ids). */
function select(next) {
  subscriptions.forEach((s) => s.close());
  selection = next;
  footprintHistory = historyBars;
  heatmapBars = historyBars;
  heatmapReduced = "";
  heatmapGeneration++; // an answer still on its way is for the choice left
  Object.keys(notes).forEach((part) => note(part, ""));
  candles.setInstrument(next.tick);
  candles.setZone(next.zone);
  candles.clear();
  footprint.clear();
  heatmap.clear();
  history.replaceState?.(null, "", `?${new URLSearchParams({ instrument: next.instrument, tf: next.tf, tz: next.zone, step: next.step })}`);

  const base = { instrument: next.instrument, tf: next.tf, tz: next.tz, history: historyBars };
  let shown = false; // a later snapshot of this choice (a gap, a reconnect) keeps a view scrolled back
  subscriptions = [
    socket.subscribe({ ...base, footprint: false, step: null }, {
      snapshot: (msg) => {
        candles.setBars(msg.candles ?? [], shown);
        shown = true;
        refreshHeatmap();
        redrawPanels();
      },
      update: (msg) => onCandle(msg.candle),
      correction: (msg) => onCandle(msg.candle),
    }),
    // Footprint bars: the candle fields at top level plus levels, delta, poc, vah, val.
    socket.subscribe({ ...base, footprint: true, step: next.step }, {
      snapshot: (msg) => footprint.setBars(msg.candles ?? msg.bars ?? [], next.step),
      update: (msg) => onFootprint(msg.candle ?? msg.bar),
      correction: (msg) => onFootprint(msg.candle ?? msg.bar),
      error: (msg) => onFootprintRefused(msg, next),
    }),
  ];
}

/**
 * The service refuses a footprint snapshot over its level limit (a fine step on long bars). The candles stay live;
 * the footprint asks for half the history until it fits, and says so. Returns the params to subscribe with next,
 * or true when it gives up (the reason shown, the connection state left as it is).
 */
function onFootprintRefused(msg, chosen) {
  if (selection !== chosen) {
    return true; // a refusal for a choice already left
  }
  if (msg.code === "bad_request" && /price levels/.test(msg.message ?? "") && footprintHistory > 1) {
    footprintHistory = Math.floor(footprintHistory / 2);
    note("footprint", `footprint: the last ${footprintHistory} bars only (${msg.message})`);
    return { instrument: chosen.instrument, tf: chosen.tf, tz: chosen.tz, history: footprintHistory, footprint: true, step: chosen.step };
  }
  note("footprint", `footprint: ${msg.message ?? msg.code}`);
  return true;
}

function onCandle(candle) {
  updates++;
  candles.upsert(candle);
  scheduleHeatmap();
  redrawPanels(); // a new bar's footprint column, if its footprint came first, is placed once the candle is
}

function onFootprint(bar) {
  footprint.upsert(bar);
  redrawPanels();
}

// The heatmap has no live stream: it is refetched at most every two seconds while updates arrive.
function scheduleHeatmap() {
  heatmapTimer ??= setTimeout(() => {
    heatmapTimer = null;
    refreshHeatmap();
  }, heatmapRefreshMs);
}

async function refreshHeatmap() {
  const from = candles.openTimeFromEnd(heatmapBars);
  if (!selection || from === null) {
    return;
  }
  const generation = ++heatmapGeneration;
  const { instrument, tf, tz, step } = selection;
  const query = new URLSearchParams({ instrument, tf, tz, step, from, limit: heatmapBars + 10 });
  try {
    const response = await fetch(`/api/v1/heatmap?${query}`);
    const body = await response.json();
    if (generation !== heatmapGeneration) {
      return; // an older answer arriving after a newer request or a picker change
    }
    if (response.status === 413 && heatmapBars > 1) {
      heatmapBars = Math.floor(heatmapBars / 2);
      heatmapReduced = `heatmap: the last ${heatmapBars} bars only (${body.detail})`;
      note("heatmap", heatmapReduced);
      refreshHeatmap();
      return;
    }
    if (!response.ok) {
      note("heatmap", `heatmap: ${body.detail ?? body.title ?? response.status}`);
      return;
    }
    note("heatmap", heatmapReduced);
    heatmap.setData(body, step);
  } catch (error) {
    note("heatmap", `heatmap: ${error.message}`);
  }
}

let redrawPending = false;
function redrawPanels() {
  if (redrawPending) {
    return;
  }
  redrawPending = true;
  requestAnimationFrame(() => {
    redrawPending = false;
    footprint.draw();
    heatmap.draw();
  });
}

candles.chart.timeScale().subscribeVisibleLogicalRangeChange(redrawPanels);
new ResizeObserver(redrawPanels).observe($("panels"));

const controls = new Controls(select, (text) => note("input", text));
const initial = Object.fromEntries(new URLSearchParams(location.search));
fetch("/api/v1/instruments")
  .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`instruments: HTTP ${r.status}`))))
  .then((list) => controls.setInstruments(list, initial))
  .catch((error) => note("connection", error.message));

// Read by browser tests.
window.candlesPage = {
  barCount: () => candles.bars.size,
  lastBar: () => candles.lastBar ?? null,
  footprintBarCount: () => footprint.drawn,
  heatmapCellCount: () => heatmap.cellCount,
  updatesReceived: () => updates,
  selection: () => selection,
  footprintHistory: () => footprintHistory,
  heatmapBars: () => heatmapBars,
  statesSeen: () => [...statesSeen],
  partialBars: () => candles.partialTimes,
  shownTimes: () => candles.series.data().map((d) => d.time * 1000),
  shownColor: (t) => candles.series.data().find((d) => d.time === t / 1000)?.color ?? null,
  partialFootprintBars: () => footprint.partialTimes,
};
