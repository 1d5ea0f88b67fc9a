// The page around every console view: header with the shop, search and sign-out, and the one
// stylesheet and script, both served from /console/assets (same origin, no CDN, no web fonts).
import { html, type Html } from './html';

export interface PageChrome {
  title: string;
  shopDomain: string;
  /** Signed in: the CSRF token for the page's script and forms, and who is signed in. */
  signedIn?: { csrfToken: string; name: string | null };
  /** The search box's current text. */
  search?: string;
}

export function page(chrome: PageChrome, body: Html): string {
  const { signedIn } = chrome;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${chrome.title} · cellarhand</title>
        ${signedIn ? html`<meta name="csrf-token" content="${signedIn.csrfToken}" />` : ''}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script src="/console/assets/console.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/console">cellarhand <span class="shop">${chrome.shopDomain}</span></a>
          ${
            signedIn
              ? html`<form class="search" role="search" method="get" action="/console">
                    <label for="search-order">Find an order</label>
                    <input id="search-order" name="q" type="search" placeholder="#1036" value="${chrome.search ?? ''}" autocomplete="off" inputmode="search" />
                    <button type="submit">Find</button>
                  </form>
                  <form class="sign-out" method="post" action="/console/sign-out">
                    <input type="hidden" name="_csrf" value="${signedIn.csrfToken}" />
                    <button type="submit">Sign out${signedIn.name ? html` <span class="who">(${signedIn.name})</span>` : ''}</button>
                  </form>`
              : ''
          }
        </header>
        <main id="main" tabindex="-1">${body}</main>
      </body>
    </html> `.text;
}
