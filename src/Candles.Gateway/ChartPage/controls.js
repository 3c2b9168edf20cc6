// The pickers: instrument, timeframe (presets or custom Nm/Nh), time zone and price step.
// They read and check the user's choice; app.js decides what to fetch and subscribe.
import { checkStep, multiply } from "./decimal.js";

export const calendarTimeframes = new Set(["1d", "1w", "1M"]);

const $ = (id) => document.getElementById(id);

/** Nm (1..1440) or Nh (1..24), the intraday forms of DESIGN §2; null when not one. */
export function parseCustomTimeframe(text) {
  const m = /^(\d+)([mh])$/.exec(text.trim());
  if (!m) {
    return null;
  }
  const n = Number(m[1]);
  const max = m[2] === "m" ? 1440 : 24;
  return n >= 1 && n <= max ? `${n}${m[2]}` : null;
}

function isZone(text) {
  try {
    new Intl.DateTimeFormat("en", { timeZone: text });
    return text.length > 0;
  } catch {
    return false;
  }
}

export class Controls {
  /** @param onChange (selection) called with a checked { instrument, tick, tf, tz, step } after any valid change. */
  constructor(onChange, onInvalid) {
    this.onChange = onChange;
    this.onInvalid = onInvalid;
    this.instruments = new Map();
    $("instrument").addEventListener("change", () => {
      this.resetStep();
      this.emit();
    });
    $("timeframe").addEventListener("change", () => {
      if ($("timeframe").value === "custom") {
        $("custom-tf").focus();
      } else {
        $("custom-tf").value = "";
      }
      this.emit();
    });
    $("custom-tf").addEventListener("change", () => {
      if ($("custom-tf").value.trim() !== "") {
        $("timeframe").value = "custom";
      }
      this.emit();
    });
    $("zone").addEventListener("change", () => this.emit());
    $("step").addEventListener("change", () => this.emit());
  }

  /** Fills the instrument picker; an initial choice (e.g. from the URL) wins when it is valid. */
  setInstruments(list, initial) {
    this.instruments = new Map(list.map((i) => [i.id, i]));
    $("instrument").replaceChildren(...list.map((i) => new Option(i.id, i.id)));
    if (initial.instrument && this.instruments.has(initial.instrument)) {
      $("instrument").value = initial.instrument;
    }
    if (initial.tf) {
      const preset = [...$("timeframe").options].some((o) => o.value === initial.tf && o.value !== "custom");
      $("timeframe").value = preset ? initial.tf : "custom";
      $("custom-tf").value = preset ? "" : initial.tf;
    }
    if (initial.tz) {
      $("zone").value = initial.tz;
    }
    this.resetStep(initial.step);
    this.emit();
  }

  resetStep(step) {
    const tick = this.instruments.get($("instrument").value)?.tickSize;
    if (!tick) {
      return;
    }
    $("step").value = step ?? multiply(tick, 10);
    $("step-options").replaceChildren(...[1, 2, 5, 10, 25, 50, 100, 500].map((n) => new Option(multiply(tick, n))));
  }

  /** The checked selection, or { error } naming the field that is wrong. */
  read() {
    const instrument = this.instruments.get($("instrument").value);
    if (!instrument) {
      return { error: "no instrument" };
    }
    const preset = $("timeframe").value;
    const tf = preset === "custom" ? parseCustomTimeframe($("custom-tf").value) : preset;
    if (!tf) {
      return { error: `timeframe '${$("custom-tf").value}' is not Nm (1..1440) or Nh (1..24)`, field: "custom-tf" };
    }
    const zone = $("zone").value.trim() || "UTC";
    if (!isZone(zone)) {
      return { error: `time zone '${zone}' is not an IANA zone name`, field: "zone" };
    }
    const checked = checkStep($("step").value, instrument.tickSize);
    if (checked.error) {
      return { error: checked.error, field: "step" };
    }
    // Intraday bars are anchored to the UTC day whatever the zone; sending UTC keeps one server cache for them.
    const tz = calendarTimeframes.has(tf) ? zone : "UTC";
    return { instrument: instrument.id, tick: instrument.tickSize, tf, tz, zone, step: checked.step };
  }

  emit() {
    for (const id of ["custom-tf", "zone", "step"]) {
      $(id).removeAttribute("aria-invalid");
    }
    const selection = this.read();
    if (selection.error) {
      if (selection.field) {
        $(selection.field).setAttribute("aria-invalid", "true");
      }
      this.onInvalid(selection.error);
      return;
    }
    $("step").value = selection.step;
    this.onChange(selection);
  }
}
