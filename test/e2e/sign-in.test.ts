import { browserTest, openUi } from './browser-test.js';
import { signIn, titleOnceItIs } from './ui-steps.js';

const test = browserTest();

test.serial('sign-in: wrong password, a session that survives a reload, a rejected token, and sign-out', async (t) => {
  const { host, page } = await openUi(t);
  t.is(await titleOnceItIs(page, 'Sign in · rsgo'), 'Sign in · rsgo');
  await page.getByLabel('Username').fill(host.admin.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  t.is(await page.getByRole('alert').innerText(), 'Invalid username or password.');
  t.is(await page.getByLabel('Password').inputValue(), '');

  await signIn(page, host);
  t.true(await page.getByText(`Signed in as ${host.admin.username}`).isVisible());
  t.is(await titleOnceItIs(page, 'Deployments · rsgo'), 'Deployments · rsgo');
  await page.reload();
  await page.getByRole('heading', { name: 'Deployments', level: 1 }).waitFor();

  // A token the host no longer accepts ends the session on the next call.
  await page.evaluate(() => {
    const session = JSON.parse(sessionStorage.getItem('rsgo.session') ?? '{}') as Record<string, unknown>;
    sessionStorage.setItem('rsgo.session', JSON.stringify({ ...session, token: 'forged' }));
  });
  await page.reload();
  await page.getByText('Your session has expired. Sign in again.').waitFor();

  await signIn(page, host);
  const token = await page.evaluate(() => String((JSON.parse(sessionStorage.getItem('rsgo.session') ?? '{}') as Record<string, unknown>)['token']));
  t.is((await host.request('GET', '/api/environments', { token })).status, 200);
  const loggedOut = page.waitForResponse((response) => response.url().endsWith('/api/auth/logout'));
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You have signed out.').waitFor();
  t.is((await loggedOut).status(), 200);
  t.is(await page.evaluate(() => sessionStorage.getItem('rsgo.session')), null);
  t.is((await host.request('GET', '/api/environments', { token })).status, 401, 'a copy of the token is refused after signing out');
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
});
