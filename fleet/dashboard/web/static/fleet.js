// The fleet page: the counts by status follow the live stream.
"use strict";
document.addEventListener("fleet:counts", (event) => {
  for (const [status, count] of Object.entries(event.detail)) {
    const cell = document.querySelector(`[data-count="${CSS.escape(status)}"]`);
    if (cell && cell.textContent !== String(count)) cell.textContent = String(count);
  }
});
