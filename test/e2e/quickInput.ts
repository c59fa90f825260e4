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

/** Types into the open quick input and presses Enter. */
export async function answer(page: Page, text: string): Promise<void> {
  const input = quickInput(page).locator('input');
  await input.waitFor({ timeout: 15_000 });
  await input.fill(text);
  await page.waitForTimeout(200);
  await page.keyboard.press('Enter');
}

/** Waits (5 s at most) until the quick input holds exactly `value`. */
export async function inputHolds(page: Page, value: string): Promise<void> {
  await page.waitForFunction(
    ([selector, want]) => (document.querySelector(selector!) as HTMLInputElement | null)?.value === want,
    ['.quick-input-widget input', value],
    { timeout: 5_000 },
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
  await inputHolds(page, defaultPath);
  await quickInput(page).locator('input').fill(file);
  await inputHolds(page, file);
  await page.waitForTimeout(300);
  await inputHolds(page, file);
  await page.keyboard.press('Enter');
  await quickInput(page).waitFor({ state: 'hidden', timeout: 15_000 });
}
