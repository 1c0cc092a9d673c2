// The fleet page: the counts follow the live stream, and so does the table's membership. When a
// kiosk comes to match the filters (or stops matching, or moves in the sort), this same page is
// fetched again and its rows merged in place: rows that stay keep their elements (and the
// keyboard focus), new rows are marked, and one short polite sentence says what changed.
"use strict";
(() => {
  const table = document.getElementById("kiosks");
  const update = document.getElementById("kiosks-update");
  const pages = document.getElementById("kiosks-pages");
  if (!table) return;
  const wanted = table.dataset;
  // At most one announcement in this many milliseconds; changes in between are added up.
  const ANNOUNCE_EVERY_MS = 5000;
  // Changes arriving within this many milliseconds make one fetch.
  const GATHER_MS = 300;
  // How long a row that came into the table stays marked.
  const MARK_NEW_MS = 10000;

  document.addEventListener("fleet:counts", (event) => {
    for (const [status, count] of Object.entries(event.detail)) {
      const cell = document.querySelector(`[data-count="${CSS.escape(status)}"]`);
      if (cell && cell.textContent !== String(count)) cell.textContent = String(count);
    }
  });

  function matches(kiosk) {
    return (
      (!wanted.site || kiosk.site === wanted.site) &&
      (!wanted.status || kiosk.status === wanted.status) &&
      (!wanted.problem || kiosk.problems.includes(wanted.problem)) &&
      (!wanted.version || kiosk.app_version === wanted.version)
    );
  }

  // Only these sort keys change with a kiosk's membership; the last message's time changes with
  // every report, so a table sorted by it is not reordered live (rows would never keep still).
  function sortKey(kiosk) {
    if (wanted.sort === "status") return kiosk.status;
    if (wanted.sort === "app_version") return kiosk.app_version;
    return "";
  }

  function rowOf(key) {
    return table.tBodies[0].querySelector(`tr[data-kiosk="${CSS.escape(key)}"]`);
  }

  // The server adds "previous" to a kiosk's row only when its status, problems or version
  // changed (null: a kiosk it did not know).
  function changesTable(kiosk) {
    if (!("previous" in kiosk)) return false;
    const now = matches(kiosk);
    if (kiosk.previous === null) return now || rowOf(kiosk.key) !== null;
    const before = { ...kiosk, ...kiosk.previous };
    const was = matches(before);
    return was !== now || ((was || now) && sortKey(before) !== sortKey(kiosk));
  }

  let timer = null;
  let busy = false;
  let again = false;

  function scheduleRefresh() {
    if (busy) {
      again = true;
    } else if (timer === null) {
      timer = setTimeout(refresh, GATHER_MS);
    }
  }

  async function refresh() {
    timer = null;
    busy = true;
    try {
      const response = await fetch(location.pathname + location.search, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "text/html" },
      });
      // Logged out meanwhile: the login page has no table, and the next reload shows it.
      if (response.ok && !response.redirected) {
        merge(new DOMParser().parseFromString(await response.text(), "text/html"));
      }
    } catch {
      // The network is gone: the stream says so, and the next change tries again.
    } finally {
      busy = false;
      if (again) {
        again = false;
        scheduleRefresh();
      }
    }
  }

  function focusable(row) {
    return row ? row.querySelector("a, button, [tabindex]") : null;
  }

  function place(body, row, before) {
    // moveBefore keeps a moved row's focus; insertBefore is for rows new to the page.
    if (row.isConnected && typeof body.moveBefore === "function") body.moveBefore(row, before);
    else body.insertBefore(row, before);
  }

  function merge(fresh) {
    const freshTable = fresh.getElementById("kiosks");
    if (!freshTable) return;
    const body = table.tBodies[0];
    const active = document.activeElement;
    const activeRow = active && body.contains(active) ? active.closest("tr") : null;
    const current = [...body.rows];
    const kept = new Map(current.filter((row) => row.dataset.kiosk).map((row) => [row.dataset.kiosk, row]));
    const wantedRows = [];
    const added = [];
    for (const row of freshTable.tBodies[0].rows) {
      const key = row.dataset.kiosk;
      const mine = key ? kept.get(key) : undefined;
      if (mine) {
        kept.delete(key);
        mine.dataset.level = row.dataset.level;
        for (const cell of row.querySelectorAll("[data-cell]")) {
          const target = mine.querySelector(`[data-cell="${CSS.escape(cell.dataset.cell)}"]`);
          if (target && target.innerHTML !== cell.innerHTML) {
            target.replaceChildren(...[...cell.childNodes].map((node) => document.importNode(node, true)));
          }
        }
        wantedRows.push(mine);
      } else {
        const imported = document.importNode(row, true);
        if (key) {
          imported.classList.add("highlight");
          setTimeout(() => imported.classList.remove("highlight"), MARK_NEW_MS);
          added.push(key);
        }
        wantedRows.push(imported);
      }
    }
    const removed = [...kept.keys()];
    // Where the focus goes when its row leaves: the row that takes its place, else the one
    // before, else the table itself (its caption is read).
    let focusNext = null;
    if (activeRow && !wantedRows.includes(activeRow)) {
      const index = current.indexOf(activeRow);
      const after = current.slice(index + 1).find((row) => wantedRows.includes(row));
      const before = current.slice(0, index).reverse().find((row) => wantedRows.includes(row));
      focusNext = focusable(after) || focusable(before);
    }
    for (const row of current) if (!wantedRows.includes(row)) row.remove();
    wantedRows.forEach((row, index) => {
      if (body.rows[index] !== row) place(body, row, body.rows[index] || null);
    });
    if (activeRow && wantedRows.includes(activeRow) && document.activeElement !== active) {
      active.focus({ preventScroll: true });
    } else if (activeRow && !wantedRows.includes(activeRow)) {
      if (focusNext) {
        focusNext.focus({ preventScroll: true });
      } else {
        table.tabIndex = -1;
        table.focus({ preventScroll: true });
      }
    }
    const caption = freshTable.caption;
    if (caption && table.caption && table.caption.textContent !== caption.textContent) {
      table.caption.textContent = caption.textContent;
    }
    const freshPages = fresh.getElementById("kiosks-pages");
    if (pages && freshPages && pages.innerHTML !== freshPages.innerHTML) {
      const hadFocus = pages.contains(document.activeElement) ? document.activeElement.textContent : null;
      pages.replaceChildren(...[...freshPages.childNodes].map((node) => document.importNode(node, true)));
      if (hadFocus !== null) {
        const same = [...pages.querySelectorAll("a")].find((link) => link.textContent === hadFocus);
        if (same) same.focus({ preventScroll: true });
        else {
          table.tabIndex = -1;
          table.focus({ preventScroll: true });
        }
      }
    }
    if (added.length || removed.length) announce(added, removed);
  }

  // One sentence at most every ANNOUNCE_EVERY_MS: a screen reader user hears that the list
  // changed and how, without a word per kiosk when many change at once.
  const pending = { added: new Set(), removed: new Set() };
  let lastAnnounced = 0;
  let announceTimer = null;

  function announce(added, removed) {
    for (const key of added) {
      if (!pending.removed.delete(key)) pending.added.add(key);
    }
    for (const key of removed) {
      if (!pending.added.delete(key)) pending.removed.add(key);
    }
    if (announceTimer !== null) return;
    const wait = Math.max(0, lastAnnounced + ANNOUNCE_EVERY_MS - Date.now());
    announceTimer = setTimeout(() => {
      announceTimer = null;
      lastAnnounced = Date.now();
      const text = sentence([...pending.added], [...pending.removed]);
      pending.added.clear();
      pending.removed.clear();
      if (text && update) update.textContent = text;
    }, wait);
  }

  function name(key) {
    const [site, id] = key.split("/");
    return `${id} (${site})`;
  }

  function part(keys, one, many) {
    if (!keys.length) return "";
    if (keys.length <= 3) return `${keys.map(name).join(", ")} ${keys.length === 1 ? one : many}`;
    return `${keys.length} bornes ${many}`;
  }

  function sentence(added, removed) {
    const parts = [
      part(added, "ajoutée", "ajoutées"),
      part(removed, "retirée", "retirées"),
    ].filter(Boolean);
    return parts.length ? `Liste mise à jour : ${parts.join(" ; ")}.` : "";
  }

  document.addEventListener("fleet:kiosk", (event) => {
    if (changesTable(event.detail)) scheduleRefresh();
  });
  document.addEventListener("fleet:reload", scheduleRefresh);
})();
