// Live updates shared by every page: one server-sent event stream, kiosk rows patched in place.
// Other scripts listen to the "fleet:<event>" DOM events this file re-dispatches.
"use strict";
(() => {
  const ICONS = { green: "✓", orange: "!", red: "✕" };
  const liveState = document.getElementById("live-state");

  function say(text) {
    if (liveState && liveState.textContent !== text) liveState.textContent = text;
  }

  function badge(status, level, label) {
    const outer = document.createElement("span");
    outer.className = `badge badge-${level}`;
    outer.dataset.status = status;
    const icon = document.createElement("span");
    icon.className = "badge-icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = ICONS[level] || "";
    outer.append(icon, ` ${label}`);
    return outer;
  }

  function problems(labels) {
    if (!labels.length) {
      const none = document.createElement("span");
      none.className = "none";
      none.textContent = "Aucun";
      return none;
    }
    const list = document.createElement("ul");
    list.className = "problems";
    for (const text of labels) {
      const item = document.createElement("li");
      item.textContent = text;
      list.append(item);
    }
    return list;
  }

  function patchKiosk(kiosk) {
    const scopes = document.querySelectorAll(`[data-kiosk="${CSS.escape(kiosk.key)}"]`);
    for (const scope of scopes) {
      if (scope.dataset.level) scope.dataset.level = kiosk.level;
      const cells = (name) => scope.querySelectorAll(`[data-cell="${name}"]`);
      for (const cell of cells("status")) cell.replaceChildren(badge(kiosk.status, kiosk.level, kiosk.status_label));
      for (const cell of cells("problems")) cell.replaceChildren(problems(kiosk.problem_labels));
      for (const cell of cells("version")) cell.textContent = kiosk.app_version || "—";
      for (const cell of cells("content")) cell.textContent = kiosk.content_checked_on || "—";
      for (const cell of cells("last-seen")) {
        const time = cell.querySelector("time");
        if (time) time.textContent = kiosk.last_seen;
      }
    }
  }

  if (!("EventSource" in window)) {
    say("Mises à jour en direct indisponibles dans ce navigateur : actualisez la page.");
    return;
  }
  const source = new EventSource("/live");
  source.addEventListener("open", () => say("Mises à jour en direct : actives."));
  source.addEventListener("error", () => say("Mises à jour en direct : interrompues, nouvel essai…"));
  for (const name of ["kiosk", "counts", "help", "reload"]) {
    source.addEventListener(name, (message) => {
      const data = JSON.parse(message.data);
      if (name === "kiosk") patchKiosk(data);
      if (name === "reload") say("Beaucoup de changements : actualisez la page pour tout voir.");
      document.dispatchEvent(new CustomEvent(`fleet:${name}`, { detail: data }));
    });
  }
  window.addEventListener("pagehide", () => source.close());
})();
