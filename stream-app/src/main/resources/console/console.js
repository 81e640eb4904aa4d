// The stitch console: Events Activity and Contacts Hub over the query API. The API token lives in
// sessionStorage only (this tab) and goes out as an Authorization header, never in a URL. Every
// value shown comes from events, which are hostile input: the DOM is built with textContent only.
"use strict";

(function () {
  const TOKEN_KEY = "stitch.apiToken";
  const POLL_MS = 2000;
  const ACTIVITY_LIMIT = 100;
  const TIMELINE_PAGE = 25;

  const $ = (id) => document.getElementById(id);

  /** An element with text or children; attributes are set as properties, never parsed as HTML. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.entries(props || {}).forEach(([name, value]) => {
      if (name === "className") node.className = value;
      else if (name === "dataset") Object.assign(node.dataset, value);
      else if (name.startsWith("on")) node.addEventListener(name.substring(2), value);
      else node.setAttribute(name, value);
    });
    children.flat().forEach((child) => {
      if (child !== null && child !== undefined) {
        node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function show(node, text) {
    node.textContent = text || "";
    node.hidden = !text;
  }

  // ---- the API ----------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  /** GETs an API path with the token; answers the JSON body, or throws an ApiError saying what went wrong. */
  async function api(path, withToken) {
    const sent = withToken || token();
    if (!sent) throw new ApiError(401, "Sign in first.");
    let response;
    try {
      response = await fetch(path, {
        headers: { "Authorization": "Bearer " + sent, "Accept": "application/json" },
        cache: "no-store",
        credentials: "omit",
        referrerPolicy: "no-referrer",
      });
    } catch (e) {
      throw new ApiError(0, "The query API does not answer. Is the application running?");
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (response.ok) return body;
    const said = body && typeof body.message === "string" ? body.message : "";
    if (response.status === 503) {
      throw new ApiError(503, "The application is starting or moving its data (503); trying again. " + said);
    }
    throw new ApiError(response.status, said || ("The query API answered " + response.status + "."));
  }

  /** An error during a signed-in view: a refused token signs out; others are shown in the notice. */
  function failed(error) {
    if (error.status === 401) {
      signOut("The API refused the token (401): it may have changed. Sign in again.");
      return;
    }
    notice(error.message, error.status !== 503);
  }

  function notice(text, bad) {
    const node = $("notice");
    node.classList.toggle("bad", Boolean(bad));
    show(node, text);
  }

  // ---- sign-in ------------------------------------------------------------------------------------

  async function signIn(event) {
    event.preventDefault();
    const given = $("token").value.trim();
    const error = $("sign-in-error");
    show(error, "");
    if (!given) {
      show(error, "Enter the API token.");
      return;
    }
    try {
      await api("/v1/activity?limit=1", given);
    } catch (e) {
      show(error, e.status === 401 ? "That is not this API's token. Check STITCH_API_TOKEN (the embedded default prints it)."
        : e.message);
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, given);
    $("token").value = "";
    enter();
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    stopPolling();
    clear($("activity-list"));
    clearContacts();
    $("nav").hidden = true;
    $("activity").hidden = true;
    $("contacts").hidden = true;
    $("sign-in").hidden = false;
    notice("");
    show($("sign-in-error"), message || "");
  }

  function enter() {
    $("sign-in").hidden = true;
    $("nav").hidden = false;
    open(location.hash === "#contacts" ? "contacts" : "activity");
  }

  function open(screen) {
    $("activity").hidden = screen !== "activity";
    $("contacts").hidden = screen !== "contacts";
    $("nav-activity").setAttribute("aria-current", screen === "activity" ? "page" : "false");
    $("nav-contacts").setAttribute("aria-current", screen === "contacts" ? "page" : "false");
    history.replaceState(null, "", "#" + screen);
    notice("");
    if (screen === "activity") startPolling(); else stopPolling();
  }

  // ---- Events Activity ----------------------------------------------------------------------------

  let pollTimer = null;
  let shownPositions = "";
  let seenUpTo = null;
  let pollGeneration = 0;

  function startPolling() {
    stopPolling();
    shownPositions = "";
    seenUpTo = null;
    const generation = ++pollGeneration;
    const tick = async () => {
      await pollActivity(generation);
      if (generation === pollGeneration) pollTimer = setTimeout(tick, POLL_MS);
    };
    tick();
  }

  function stopPolling() {
    pollGeneration++;
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
  }

  /**
   * The newest events, fetched whole each time so that events removed by an erasure leave the list
   * too; rows newer than the last answer's cursor are marked fresh.
   */
  async function pollActivity(generation) {
    const params = new URLSearchParams({ limit: String(ACTIVITY_LIMIT) });
    const type = $("activity-type").value;
    const id = $("activity-id").value.trim();
    if (type) params.set("type", type);
    if (id) params.set("id", id);
    let page;
    try {
      page = await api("/v1/activity?" + params.toString());
    } catch (e) {
      if (generation === pollGeneration) failed(e);
      return;
    }
    if (generation !== pollGeneration) return;
    notice("");
    const before = seenUpTo;
    seenUpTo = cursorPosition(page.cursor);
    const positions = page.events.map((event) => event.position).join(",");
    const status = $("activity-status");
    status.textContent = page.events.length === 0
      ? (type || id ? "No events match these filters yet." : "No events yet. They appear here as they arrive.")
      : "The newest " + page.events.length + " events, refreshed every " + POLL_MS / 1000 + " s.";
    if (positions === shownPositions) return;
    shownPositions = positions;
    const list = $("activity-list");
    clear(list);
    page.events.forEach((event) => {
      const row = activityRow(event);
      if (before !== null && event.position > before) row.classList.add("fresh");
      list.appendChild(row);
    });
  }

  function cursorPosition(cursor) {
    const dot = typeof cursor === "string" ? cursor.lastIndexOf(".") : -1;
    return dot < 0 ? null : Number(cursor.substring(dot + 1));
  }

  function activityRow(event) {
    return el("li", { dataset: { messageId: event.messageId || "", mark: event.mark || "" } },
      el("span", { className: "when" }, formatTime(event.receivedAt)),
      el("span", {}, markBadge(event.mark)),
      el("span", { className: "what" }, describe(event)),
      el("span", { className: "ids" }, idsText(event)));
  }

  function markBadge(mark) {
    const known = ["anonymous", "stitched", "late", "identified"];
    const name = known.includes(mark) ? mark : "identified";
    return el("span", { className: "mark " + name }, name);
  }

  function describe(event) {
    return event.name ? event.type + " · " + event.name : event.type;
  }

  function idsText(event) {
    const parts = [];
    if (event.userId) parts.push("user " + event.userId);
    else if (event.eventUserId) parts.push("user " + event.eventUserId);
    if (event.anonymousId) parts.push("anonymous " + event.anonymousId);
    return parts.join(" · ");
  }

  function formatTime(iso) {
    if (typeof iso !== "string") return "";
    return iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
  }

  // ---- Contacts Hub -------------------------------------------------------------------------------

  let timelineUser = null;
  let timelineNext = null;

  function clearContacts() {
    clear($("search-results"));
    show($("search-status"), "");
    $("profile").hidden = true;
    clear($("timeline"));
    timelineUser = null;
    timelineNext = null;
  }

  async function search(event) {
    event.preventDefault();
    const text = $("search-text").value.trim();
    clearContacts();
    if (!text) return;
    const status = $("search-status");
    show(status, "Searching…");
    try {
      const matches = await findPeople(text);
      if (matches.length === 0) {
        show(status, "No one found for “" + text + "”.");
        return;
      }
      show(status, matches.length === 1 ? "One person found." : matches.length + " people found.");
      const list = $("search-results");
      matches.forEach((match) => list.appendChild(el("li", {},
        el("button", { type: "button", dataset: { userId: match.userId }, onclick: () => openProfile(match.userId) },
          match.userId + matchedBy(match)))));
      if (matches.length === 1) await openProfile(matches[0].userId);
    } catch (e) {
      show(status, "");
      failed(e);
    }
  }

  /**
   * People the text names: the search endpoint when the API has one; else the text as a user id,
   * then as an anonymous id.
   */
  async function findPeople(text) {
    try {
      const found = await api("/v1/search?q=" + encodeURIComponent(text));
      return Array.isArray(found.matches) ? uniqueUsers(found.matches) : [];
    } catch (e) {
      if (e.status !== 404 || !/No such path/.test(e.message)) throw e;
    }
    const asUser = await optional("/v1/users/" + encodeURIComponent(text));
    if (asUser) return [{ userId: asUser.userId, matchedBy: asUser.mergedFrom ? "merged id" : "user id", value: text }];
    const asAnonymous = await optional("/v1/anonymous/" + encodeURIComponent(text));
    if (asAnonymous && asAnonymous.userId) return [{ userId: asAnonymous.userId, matchedBy: "anonymous id", value: text }];
    return [];
  }

  /** How a match was found: " — by email: ada@example.com", " — by trait plan: pro". */
  function matchedBy(match) {
    if (!match.matchedBy) return "";
    const how = match.matchedBy === "trait" && match.trait ? "trait " + match.trait : words(match.matchedBy);
    return " — by " + how + (match.value ? ": " + match.value : "");
  }

  function uniqueUsers(matches) {
    const seen = new Set();
    return matches.filter((match) => typeof match.userId === "string" && !seen.has(match.userId) && seen.add(match.userId));
  }

  async function optional(path) {
    try {
      return await api(path);
    } catch (e) {
      if (e.status === 404) return null;
      throw e;
    }
  }

  async function openProfile(userId) {
    let profile;
    try {
      profile = await api("/v1/users/" + encodeURIComponent(userId));
    } catch (e) {
      if (e.status === 404) {
        show($("search-status"), "No one found: user " + userId + " is unknown or was erased.");
        $("profile").hidden = true;
        return;
      }
      failed(e);
      return;
    }
    renderProfile(profile);
    timelineUser = profile.userId;
    timelineNext = null;
    clear($("timeline"));
    await loadTimeline();
  }

  function renderProfile(profile) {
    $("profile").hidden = false;
    $("profile-title").textContent = profile.userId;
    show($("profile-merged"), profile.mergedFrom
      ? "“" + profile.mergedFrom + "” was merged into this user; the console shows " + profile.userId + "." : "");
    facts($("profile-facts"), [
      ["first seen", formatTime(profile.firstSeen)],
      ["last seen", formatTime(profile.lastSeen)],
      ["events", profile.eventCount],
      ["anonymous ids", profile.anonymousIdCount],
      ["merged ids", profile.mergedIdCount],
    ]);
    facts($("profile-traits"), Object.entries(profile.traits || {}).map(([name, value]) => [name, valueText(value)]),
      "No traits yet.");
    facts($("first-touch"), touchFacts(profile.firstTouch), "No touch recorded.");
    facts($("latest-touch"), touchFacts(profile.latestTouch), "No touch recorded.");
    idList($("profile-anonymous"), profile.anonymousIds, null, "None.");
    idList($("profile-merged-ids"), profile.mergedIds, (id) => openProfile(id), "None.");
  }

  /** A touch's fields as label and value, nested objects (the campaign) flattened: "campaign source". */
  function touchFacts(touch, prefix) {
    if (!touch || typeof touch !== "object") return [];
    const rows = [];
    Object.entries(touch).forEach(([name, value]) => {
      const label = (prefix ? prefix + " " : "") + words(name);
      if (value && typeof value === "object" && !Array.isArray(value)) rows.push(...touchFacts(value, label));
      else if (name === "at") rows.push([label, formatTime(value)]);
      else if (value !== null && value !== undefined && value !== "") rows.push([label, valueText(value)]);
    });
    return rows;
  }

  function words(name) {
    return name.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/_/g, " ").toLowerCase();
  }

  function valueText(value) {
    return typeof value === "string" ? value : JSON.stringify(value);
  }

  function facts(node, rows, empty) {
    clear(node);
    if (rows.length === 0 && empty) {
      node.appendChild(el("dd", { className: "muted" }, empty));
      return;
    }
    rows.forEach(([label, value]) => {
      node.appendChild(el("dt", {}, label));
      node.appendChild(el("dd", {}, value === undefined || value === null ? "" : String(value)));
    });
  }

  function idList(node, ids, follow, empty) {
    clear(node);
    if (!Array.isArray(ids) || ids.length === 0) {
      node.appendChild(el("li", { className: "muted" }, empty));
      return;
    }
    ids.forEach((id) => node.appendChild(el("li", {},
      follow ? el("button", { type: "button", onclick: () => follow(id) }, id) : el("span", { className: "mono" }, id))));
  }

  async function loadTimeline() {
    if (!timelineUser) return;
    const user = timelineUser;
    const params = new URLSearchParams({ limit: String(TIMELINE_PAGE) });
    if (timelineNext) params.set("after", timelineNext);
    let page;
    try {
      page = await api("/v1/users/" + encodeURIComponent(user) + "/timeline?" + params.toString());
    } catch (e) {
      if (e.status === 404) {
        $("timeline-status").textContent = "No events on this timeline yet.";
        $("timeline-more").hidden = true;
        return;
      }
      failed(e);
      return;
    }
    if (user !== timelineUser) return;
    const list = $("timeline");
    (page.events || []).forEach((event) => list.appendChild(timelineRow(event)));
    timelineNext = page.next || null;
    $("timeline-more").hidden = !timelineNext;
    $("timeline-status").textContent = list.children.length === 0 ? "No events on this timeline yet."
      : list.children.length + " events, oldest first" + (timelineNext ? "; more follow." : ".");
  }

  function timelineRow(event) {
    const mark = event.late ? "late" : event.stitched ? "stitched" : "identified";
    const details = {};
    ["properties", "traits", "context"].forEach((part) => {
      if (event[part] !== undefined) details[part] = event[part];
    });
    return el("li", { dataset: { messageId: event.messageId || "", type: event.type || "", mark: mark } },
      el("span", { className: "when" }, formatTime(event.timestamp)),
      el("span", {}, markBadge(mark)),
      el("span", { className: "what" }, describe({ type: event.type, name: event.event || event.name })),
      el("span", { className: "ids" }, idsText({ eventUserId: event.userId, anonymousId: event.anonymousId })),
      Object.keys(details).length === 0 ? null
        : el("details", {}, el("summary", {}, "payload"), el("pre", {}, JSON.stringify(details, null, 2))));
  }

  // ---- start ----------------------------------------------------------------------------------------

  document.addEventListener("DOMContentLoaded", () => {
    $("sign-in-form").addEventListener("submit", signIn);
    $("sign-out").addEventListener("click", () => signOut(""));
    $("nav-activity").addEventListener("click", () => open("activity"));
    $("nav-contacts").addEventListener("click", () => open("contacts"));
    $("activity-filter").addEventListener("submit", (event) => event.preventDefault());
    $("activity-type").addEventListener("change", () => startPolling());
    $("activity-id").addEventListener("input", () => startPolling());
    $("search-form").addEventListener("submit", search);
    $("timeline-more").addEventListener("click", loadTimeline);
    if (token()) enter(); else signOut("");
  });
})();
