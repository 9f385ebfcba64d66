// The example shop's consent banner: a stand-in for a consent platform. It keeps the shopper's
// answer in localStorage (as a CMP keeps its cookie) and tells the widget with
// shelfwise.consent(). An external file, so the page runs under a strict CSP.
const KEY = 'pocket-classics-consent';
const banner = document.getElementById('consent-banner');

function answer(given) {
  try {
    localStorage.setItem(KEY, given ? 'granted' : 'denied');
  } catch {
    // storage blocked: the answer holds for this page
  }
  banner.hidden = true;
  // Module scripts run in order, so the widget's global is normally there; if its script came
  // later, wait for it a little.
  let tries = 0;
  const apply = () => {
    if (window.shelfwise) void window.shelfwise.consent(given);
    else if (++tries < 100) setTimeout(apply, 50);
  };
  apply();
}

let stored = null;
try {
  stored = localStorage.getItem(KEY);
} catch {
  stored = null;
}
if (stored === 'granted' || stored === 'denied') answer(stored === 'granted');
else banner.hidden = false;

document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-consent-answer]') : null;
  if (!button) return;
  const choice = button.getAttribute('data-consent-answer');
  if (choice === 'reopen') banner.hidden = false;
  else answer(choice === 'accept');
});
