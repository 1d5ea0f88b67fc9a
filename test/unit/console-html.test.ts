// The console's templates: whatever an order, Vinoshipper or a person wrote is text, never markup.
import { html } from '../../console/views/html';
import { liveParts } from '../../console/views/controls';

test('values are escaped, markup made by html itself is kept, arrays are joined, empty values vanish', () => {
  const sku = '<img src=x onerror="alert(1)">';
  const out = html`<p title="${sku}">${sku} ${[html`<b>${'a&b'}</b>`, 'c']} ${null}${undefined}${false}</p>`.text;
  expect(out).toBe('<p title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt; <b>a&amp;b</b>c </p>');
});

test('a live fragment names each part for the page’s script', () => {
  expect(liveParts({ summary: html`<p>s</p>`, timeline: html`<ol></ol>` }).text).toBe(
    '<div data-part="summary"><p>s</p></div><div data-part="timeline"><ol></ol></div>',
  );
});
