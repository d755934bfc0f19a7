// The "Check the return" page while a check waits or runs: ask the API every few seconds and reload the page once
// the check has finished, so the answer appears without anyone reloading. The page, not this file, shows the answer;
// without this file the page's own "See if it has finished" link does the same. Not a timed <meta> refresh: that
// reloads whether or not anything changed, and a screen reader's user cannot stop it (WCAG 2.2.1).
const EVERY_MS = 3000;

export function waitForCheck(root = document) {
  const status = root.querySelector("[data-check-under-way]");
  if (!status) return;
  const url = status.dataset.checkUnderWay;
  const ask = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const check = await response.json();
        if (check.status !== "queued" && check.status !== "running") {
          window.location.reload();
          return;
        }
      }
    } catch {
      // The network blinked: ask again.
    }
    setTimeout(ask, EVERY_MS);
  };
  setTimeout(ask, EVERY_MS);
}
