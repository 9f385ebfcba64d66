/**
 * Saves data as a file on the shopper's device: a Blob behind an object URL and an `<a download>`.
 * Nothing is uploaded; the URL is revoked once the browser has taken the file. The link lives in
 * `container` for an instant (the widget passes its shadow root, so the host page is not touched).
 */
export function downloadJson(data: unknown, filename: string, container: { append(node: Node): void } = document.body): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  container.append(a);
  try {
    a.click();
  } finally {
    a.remove();
    // The download has started from the click; revoke on the next task so every browser has read it.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}
