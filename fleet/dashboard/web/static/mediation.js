// The mediators' view: new help requests appear live with a sound (if turned on) and a visible
// banner; "J'y vais" acknowledges one without reloading the page (the form works without script).
"use strict";
(() => {
  const body = document.body;
  const site = body.dataset.site || null;
  const openList = document.getElementById("open-requests");
  const doneList = document.getElementById("done-requests");
  const noOpen = document.getElementById("no-open");
  const banner = document.getElementById("help-banner");
  const bannerText = document.getElementById("help-banner-text");
  const template = document.getElementById("help-card-template");
  const soundToggle = document.getElementById("sound-toggle");
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  const baseTitle = document.title;
  let audio = null;

  function openCount() {
    return openList.querySelectorAll(".help-card").length;
  }

  function refreshSummary() {
    const count = openCount();
    noOpen.hidden = count > 0;
    banner.hidden = count === 0;
    const text = count === 0 ? "" : `${count} demande${count > 1 ? "s" : ""} d'aide en attente`;
    if (bannerText.textContent !== text) bannerText.textContent = text;
    document.title = count ? `(${count}) ${baseTitle}` : baseTitle;
  }

  function chime() {
    if (!audio) return;
    // Two short tones: heard over a busy room, never a long alarm.
    const now = audio.currentTime;
    for (const [offset, frequency] of [[0, 880], [0.25, 660]]) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.2, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.001, now + offset + 0.2);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(now + offset);
      oscillator.stop(now + offset + 0.22);
    }
  }

  soundToggle.addEventListener("click", () => {
    const on = soundToggle.getAttribute("aria-pressed") !== "true";
    soundToggle.setAttribute("aria-pressed", String(on));
    soundToggle.textContent = on ? "Couper le son des nouvelles demandes" : "Activer le son des nouvelles demandes";
    if (on) {
      audio = audio || new AudioContext();
      audio.resume();
      chime();
    } else {
      audio = null;
    }
  });

  function fill(card, help) {
    card.dataset.request = help.request_id;
    for (const field of card.querySelectorAll("[data-field]")) {
      const value = help[field.dataset.field];
      field.textContent = value || "non précisée";
    }
    const form = card.querySelector("form");
    if (form) form.action = form.action.replace("/mediation//", `/mediation/${encodeURIComponent(help.request_id)}/`);
  }

  function markDone(help) {
    const card = openList.querySelector(`[data-request="${CSS.escape(help.request_id)}"]`);
    if (card) card.remove();
    if (!doneList.querySelector(`[data-request="${CSS.escape(help.request_id)}"]`)) {
      const item = document.createElement("li");
      item.dataset.request = help.request_id;
      item.textContent = `Borne ${help.kiosk_id} : ${help.procedure || "démarche non précisée"}, prise en charge par ${help.acknowledged_by} à ${help.acknowledged}`;
      doneList.prepend(item);
      document.getElementById("no-done").hidden = true;
    }
    refreshSummary();
  }

  document.addEventListener("fleet:help", (event) => {
    const help = event.detail;
    if (site && help.site !== site) return;
    if (help.acknowledged_at) {
      markDone(help);
      return;
    }
    if (openList.querySelector(`[data-request="${CSS.escape(help.request_id)}"]`)) return;
    const card = template.content.firstElementChild.cloneNode(true);
    fill(card, help);
    openList.prepend(card);
    refreshSummary();
    chime();
  });

  openList.addEventListener("submit", async (event) => {
    const form = event.target.closest(".ack-form");
    if (!form) return;
    event.preventDefault();
    const card = form.closest(".help-card");
    const message = card.querySelector(".ack-message");
    const button = form.querySelector("button");
    button.disabled = true;
    message.textContent = "Envoi…";
    const response = await fetch(`/api/help-requests/${encodeURIComponent(card.dataset.request)}/ack`, {
      method: "POST",
      headers: { "X-CSRF-Token": csrf },
      credentials: "same-origin",
    });
    const answer = await response.json().catch(() => ({}));
    if (response.ok) {
      const help = answer.request;
      help.acknowledged = new Date(help.acknowledged_at * 1000).toLocaleTimeString("fr-FR");
      markDone(help);
      return;
    }
    button.disabled = false;
    message.textContent = answer.error || "La prise en charge n'a pas abouti. Réessayez.";
  });

  refreshSummary();
})();
