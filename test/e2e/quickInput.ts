// The workbench's quick input as a user answers it, for the e2e tests: pick a row, type an answer,
// and answer VS Code's save dialog (code-server shows the "simple file dialog": a quick input holding
// the path).
import type { Page } from 'playwright-core';

export const quickInput = (page: Page) => page.locator('.quick-input-widget');

/** Picks the quick pick's row that shows `text`. */
export async function choose(page: Page, text: string): Promise<void> {
  const item = quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  await item.waitFor({ timeout: 15_000 });
  await item.click();
}

/**
 * Types into the open quick input and presses Enter. With `title`, waits for the input of that title
 * first: the previous pick can linger, inert, while the next question is on its way.
 */
export async function answer(page: Page, text: string, title?: string): Promise<void> {
  if (title) await quickInput(page).locator('.quick-input-title', { hasText: title }).waitFor({ timeout: 30_000 });
  const input = quickInput(page).locator('input');
  await input.waitFor({ timeout: 15_000 });
  await input.fill(text);
  await page.waitForTimeout(200);
  await page.keyboard.press('Enter');
}

/** Waits (5 s unless told) until the quick input holds exactly `value`. */
export async function inputHolds(page: Page, value: string, timeout = 5_000): Promise<void> {
  await page.waitForFunction(
    ([selector, want]) => (document.querySelector(selector!) as HTMLInputElement | null)?.value === want,
    ['.quick-input-widget input', value],
    { timeout },
  );
}

/**
 * Answers the save dialog titled `title` with `file`, whose default path is `defaultPath`. The dialog
 * shows first and fills in its default path once it has listed the folder: a path typed before that
 * is overwritten (VS Code 1.117 does this often), so the default is waited for. A path in the same
 * folder is typed so that no other folder is being listed while Enter is pressed; the dialog must
 * then close.
 */
export async function saveAs(page: Page, title: RegExp, defaultPath: string, file: string): Promise<void> {
  await quickInput(page).locator('.quick-input-title', { hasText: title }).waitFor({ timeout: 15_000 });
  // Listing the folder can take seconds on a busy machine; if the default never comes, say what is there.
  await inputHolds(page, defaultPath, 20_000).catch(async (e: unknown) => {
    const held = await quickInput(page)
      .locator('input')
      .inputValue()
      .catch(() => '(unreadable)');
    throw new Error(`the save dialog never showed its default ${defaultPath}; it holds ${JSON.stringify(held)} (${String(e)})`);
  });
  await quickInput(page).locator('input').fill(file);
  await inputHolds(page, file);
  await page.waitForTimeout(300);
  await inputHolds(page, file);
  await page.keyboard.press('Enter');
  await quickInput(page).waitFor({ state: 'hidden', timeout: 15_000 });
}
