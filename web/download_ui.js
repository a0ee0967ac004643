// The page's download bar (MB done / total, MB/s, time left, Cancel) and the list of models kept in
// this browser (each with its size and a Remove button, and "Remove downloaded models").
import { listStored, mb, removeAllStored, removeStored } from './model_store.js';

const $ = (id) => document.getElementById(id);

function seconds(s) {
  if (!Number.isFinite(s)) return '…';
  return s >= 90 ? `${Math.round(s / 60)} min` : `${Math.max(1, Math.round(s))} s`;
}

// Shows a download in the bar; returns { update, done, fail } and calls onCancel on Cancel.
export function showDownload(label, onCancel) {
  const box = $('download');
  box.hidden = false;
  box.classList.remove('failed');
  $('download-label').textContent = `Downloading ${label}`;
  $('download-text').textContent = 'connecting…';
  $('progress').value = 0;
  $('download-cancel').textContent = 'Cancel';
  $('download-cancel').onclick = onCancel;
  return {
    update({ done, total, rate }) {
      $('progress').value = total ? done / total : 0;
      const left = rate > 0 && total ? seconds((total - done) / rate) : '…';
      $('download-text').textContent = `${mb(done)} / ${total ? mb(total) : '?'} MB · ${rate > 0 ? mb(rate) : '…'} MB/s · ${left} left`;
    },
    done() { box.hidden = true; },
    // The status line says it while the overlay shows; once a photo hid the overlay, the bar
    // stays with the message (one place either way).
    fail(message, title = 'Download failed') {
      if (!$('overlay').classList.contains('hidden')) { box.hidden = true; return; }
      box.classList.add('failed');
      $('download-label').textContent = title;
      $('download-text').textContent = message;
      $('download-cancel').textContent = 'Close';
      $('download-cancel').onclick = () => { box.hidden = true; };
    },
  };
}

// Fills "Models kept in this browser" from storage.
export async function refreshStored() {
  const list = $('stored-list');
  let items = [];
  try { items = await listStored(); } catch { /* no storage: nothing to list */ }
  list.replaceChildren(...items.map((m) => {
    const li = document.createElement('li');
    const what = m.partial ? `unfinished download, ${mb(m.bytes)} of ${mb(m.total)} MB` :
      `${mb(m.bytes)} MB, ${m.source ? `from ${new URL(m.source).host}` : 'from this site'}`;
    li.append(Object.assign(document.createElement('span'), { textContent: `${m.file} (${what})` }));
    const remove = Object.assign(document.createElement('button'), { className: 'small', textContent: 'Remove', title: `Remove ${m.file} from this browser` });
    remove.onclick = async () => { await removeStored(m.file); await refreshStored(); };
    li.append(remove);
    return li;
  }));
  const total = items.reduce((sum, m) => sum + m.bytes, 0);
  $('stored-summary').textContent = `Models kept in this browser: ${items.length ? `${items.length}, ${mb(total)} MB` : 'none'}`;
  $('stored-clear').disabled = items.length === 0;
  $('stored').hidden = false;
}

export function wireStored() {
  $('stored-clear').onclick = async () => { await removeAllStored(); await refreshStored(); };
  return refreshStored();
}
