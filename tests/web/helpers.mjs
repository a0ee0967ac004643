// What the browser tests share: ok/FAIL lines, waiting on the page (with what it showed on a
// timeout), the viewer's state, and opening the page in a fresh context with its requests and
// errors recorded.
export const result = { failures: 0 };
export const check = (name, ok, detail = '') => {
  console.log(`${ok ? 'ok' : 'FAIL'}: ${name}${detail ? ` (${detail})` : ''}`);
  if (!ok) result.failures++;
};
export const state = (page) => page.evaluate(() => depthview.state());

// Waits for a condition in the page; on timeout the error says what the page showed and its state.
export async function waitFor(page, what, fn, arg, timeout = 120000) {
  try {
    await page.waitForFunction(fn, arg, { timeout });
  } catch (e) {
    const shown = await page.evaluate(() => [document.getElementById('status')?.textContent,
                                             globalThis.Module?._dv_app_state ? JSON.stringify(depthview.state()) : 'no module']);
    throw new Error(`${what}: ${e.message.split('\n')[0]}; status "${shown[0]}", state ${shown[1]}`);
  }
}

// The page says the model is ready; the viewer has loaded it (so timings measure photos, not models).
// A preload that never finished (state busy, stage idle: the job's worker thread was constructed
// before the mutex and condition variable it waits on) was fixed in src/app/depth_job.h; 0 of 45
// loads hung afterwards (tests/web/reload_stress.mjs). Should a load still hang, the page is
// reloaded once, as a user would, and the test says so with the worker's state; a second hang fails.
const readyNow = () => /ready/.test(document.getElementById('status').textContent) && depthview.state().model_loaded && !depthview.state().busy;
export async function waitReady(page) {
  try {
    await waitFor(page, 'model ready', readyNow);
  } catch (e) {
    console.log(`note: ${e.message}; reloading the page once`);
    await page.reload();
    await waitFor(page, 'model ready after a reload', readyNow);
  }
}

export const waitDepth = (page, name) => waitFor(page, `depth of ${name}`, (n) => {
  const s = depthview.state();
  return s.has_depth && s.depth_frames > 1 && s.photo.name.endsWith(n);
}, name);

// Opens the page in a fresh context (or a new page in `context`) and records every request
// (page.requests: URLs; page.nonGet: requests with another method) and page error.
// before(context, page) runs ahead of navigation.
export async function open(browser, url, options = {}, before = null, context = null) {
  context ||= await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, ...options });
  const page = await context.newPage();
  page.requests = [];
  page.nonGet = [];
  page.errors = [];
  page.on('request', (r) => {
    page.requests.push(r.url());
    if (r.method() !== 'GET') page.nonGet.push(`${r.method()} ${r.url()}`);
  });
  page.on('pageerror', (e) => page.errors.push(e.message));
  // Console errors, except failed loads: 404s of models a site does not have, and the requests
  // the offline tests block or cut on purpose.
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) page.errors.push(m.text()); });
  if (before) await before(context, page);
  await page.goto(url);
  return { context, page };
}

// Drags on the canvas one step per rendered frame (ImGui sees every move).
export async function drag(page, from, to, steps = 10) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    const frames = await page.evaluate(() => depthview.frames);
    await page.mouse.move(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
    await page.waitForFunction((f) => depthview.frames > f + 1, frames);
  }
  await page.mouse.up();
}
