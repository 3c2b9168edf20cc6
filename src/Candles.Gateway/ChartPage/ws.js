// The WebSocket client of DESIGN §3: subscriptions that survive drops and sequence gaps.
// Each subscription gets a fresh id whenever it is (re)sent, so a late message for an abandoned id is ignored.

const backoffMs = [500, 1000, 2000, 4000, 8000, 15000];

/** The delay before the attempt after `failures` failed ones, with ±25 % jitter. */
const backoff = (failures) => backoffMs[Math.min(failures, backoffMs.length - 1)] * (0.75 + Math.random() / 2);

export class CandleSocket {
  /** @param onState (state, detail) with state one of connecting, live, reconnecting, retrying, error. */
  constructor(url, onState) {
    this.url = url;
    this.onState = onState;
    this.nextId = 1;
    this.subs = new Map(); // id -> subscription
    this.waiting = new Set(); // subscriptions refused as unavailable, to be tried again
    this.attempt = 0;
    this.everOpened = false;
    this.openedAt = 0;
    this.lastError = null; // the error shown, until a subscription is live again
    this.connect();
  }

  /**
   * Subscribes; handlers: snapshot(msg), update(msg), correction(msg), error(msg). Returns a handle with close().
   * An `unavailable` error is retried here, with backoff, and so is `unknown_instrument` for a subscription that has
   * had a snapshot: a service started again knows its instruments only once its feeds have defined them. Any other
   * error ends the subscription unless error(msg) returns new params to subscribe with instead, or true when it has
   * shown the error itself.
   */
  subscribe(params, handlers) {
    const sub = { params, handlers, id: 0, seq: null, closed: false, retries: 0, timer: null, hadSnapshot: false, gaps: 0, lastGapAt: 0 };
    this.send(sub);
    return { close: () => this.unsubscribe(sub) };
  }

  unsubscribe(sub) {
    sub.closed = true;
    clearTimeout(sub.timer);
    this.waiting.delete(sub);
    if (this.subs.delete(sub.id)) {
      this.write({ op: "unsubscribe", id: sub.id });
    }
  }

  /** (Re)sends a subscription under a new id; the old id, if any, is unsubscribed. */
  send(sub) {
    if (this.subs.delete(sub.id)) {
      this.write({ op: "unsubscribe", id: sub.id });
    }
    sub.id = this.nextId++;
    sub.seq = null;
    this.subs.set(sub.id, sub);
    this.write({ op: "subscribe", id: sub.id, ...sub.params });
  }

  write(message) {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }

  connect() {
    this.onState(this.everOpened ? "reconnecting" : "connecting");
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.everOpened = true;
      this.openedAt = Date.now();
      // A new connection knows none of the old ids: forget them rather than unsubscribe them.
      const subs = [...this.subs.values()];
      this.subs.clear();
      subs.forEach((sub) => this.send(sub));
      if (subs.length === 0 && this.waiting.size === 0) {
        // Nothing to wait a snapshot for: connected, or still the error that ended the subscriptions.
        this.onState(this.lastError ? "error" : "live", this.lastError ?? undefined);
      }
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = () => {
      if (this.socket !== socket) {
        return;
      }
      // The backoff starts again only after a connection that lasted: one closed soon after it opened (a gateway
      // that drops this client at once) is tried again ever more slowly. Jitter, so many pages dropped by one
      // gateway restart do not reconnect in step.
      if (this.openedAt > 0 && Date.now() - this.openedAt > 10_000) {
        this.attempt = 0;
      }
      this.openedAt = 0;
      setTimeout(() => this.connect(), backoff(this.attempt++));
      this.onState("reconnecting");
    };
  }

  /** The service could not start the subscription (its id is gone there): ask again later. */
  retryLater(sub, msg) {
    this.waiting.add(sub);
    this.onState("retrying", `${msg.message ?? "the live feed is unavailable"}; trying again`);
    this.sendLater(sub, backoff(sub.retries++));
  }

  /** Sends the subscription again after delayMs, unless it is closed by then; one such wait per subscription. */
  sendLater(sub, delayMs) {
    clearTimeout(sub.timer);
    sub.timer = setTimeout(() => {
      sub.timer = null;
      if (!sub.closed) {
        this.send(sub);
      }
    }, delayMs);
  }

  /** An error about one subscription, which the service has ended or never started. */
  fail(sub, msg) {
    this.subs.delete(sub.id);
    this.waiting.delete(sub);
    if (msg.code === "unavailable" || (msg.code === "unknown_instrument" && sub.hadSnapshot)) {
      this.retryLater(sub, msg);
      return;
    }
    const answer = sub.handlers.error?.(msg);
    if (answer && typeof answer === "object") {
      sub.params = answer;
      this.send(sub);
    } else if (!answer) {
      this.lastError = msg.message ?? msg.code;
      this.onState("error", this.lastError);
    }
  }

  receive(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    const sub = this.subs.get(msg.id);
    if (msg.id !== undefined && msg.id !== null && !sub) {
      return; // for an id given up (a picker change or a gap resubscribe)
    }
    if (msg.type === "error") {
      if (sub) {
        this.fail(sub, msg);
      } else {
        this.onState("error", msg.message ?? msg.code ?? "error");
      }
      return;
    }
    if (!sub) {
      return;
    }
    if (msg.type === "snapshot") {
      sub.seq = msg.seq;
      sub.hadSnapshot = true;
      sub.retries = 0;
      this.lastError = null;
      this.waiting.delete(sub);
      if (this.waiting.size === 0) {
        this.onState("live"); // not while another subscription still waits to be tried again
      }
      sub.handlers.snapshot(msg);
      return;
    }
    if (sub.seq === null) {
      return; // before its snapshot: the snapshot will carry this change
    }
    if (msg.seq !== sub.seq + 1) {
      // A lost message means our copy may be stale: start over from a fresh snapshot, at once unless gaps keep coming
      // (then with backoff). Until it comes, nothing more of this id is taken.
      const now = Date.now();
      sub.gaps = now - sub.lastGapAt > 30_000 ? 0 : sub.gaps + 1;
      sub.lastGapAt = now;
      sub.seq = null;
      this.sendLater(sub, sub.gaps === 0 ? 0 : backoff(sub.gaps - 1));
      return;
    }
    sub.seq = msg.seq;
    if (msg.type === "update" || msg.type === "correction") {
      sub.handlers[msg.type]?.(msg);
    }
  }
}
