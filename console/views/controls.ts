// The console's one kind of action control: a button that posts to a console route, after a
// confirmation dialog when it has one (with a reason or note when the request needs it), and shows
// the answer in a result region. console.js reads these data attributes; the page has one dialog.
import { html, type Html } from './html';

export interface ActionControl {
  id: string;
  label: string;
  url: string;
  /** Extra JSON fields posted with it (e.g. the group's cause). */
  body?: Record<string, unknown>;
  /** Selector of the region that shows the answer. */
  result: string;
  /** Asks first: the question, its explanation, the confirm button's label. */
  confirm?: { title: string; text: string; button: string; danger?: boolean };
  /** A text the person must give in the dialog (`reason` or `note`), with its label. */
  field?: { name: 'reason' | 'note'; label: string };
  kind?: 'primary' | 'danger';
}

export function actionButton(a: ActionControl): Html {
  return html`<button
    type="button"
    id="${a.id}"
    class="action ${a.kind ?? ''}"
    data-url="${a.url}"
    data-result="${a.result}"
    ${a.body ? html`data-body="${JSON.stringify(a.body)}"` : ''}
    ${a.confirm ? html`data-confirm-title="${a.confirm.title}" data-confirm-text="${a.confirm.text}" data-confirm-button="${a.confirm.button}" ${a.confirm.danger ? 'data-danger' : ''}` : ''}
    ${a.field ? html`data-field="${a.field.name}" data-field-label="${a.field.label}"` : ''}
  >
    ${a.label}
  </button>`;
}

/** The page's one confirmation dialog, filled in from the button that opened it. */
export function actionDialog(): Html {
  return html`<dialog id="action-dialog" aria-labelledby="action-dialog-title" aria-describedby="action-dialog-text">
    <form method="dialog" class="stack">
      <h2 id="action-dialog-title"></h2>
      <p id="action-dialog-text"></p>
      <div class="field" hidden>
        <label for="action-dialog-field"></label>
        <textarea id="action-dialog-field" rows="3" maxlength="500"></textarea>
      </div>
      <div class="buttons">
        <button type="submit" value="confirm" id="action-dialog-confirm" class="primary"></button>
        <button type="button" value="cancel" id="action-dialog-cancel">Go back</button>
      </div>
    </form>
  </dialog>`;
}

/** Where answers appear; announced to screen readers. */
export function resultRegion(id: string): Html {
  return html`<div id="${id}" class="result" role="status" aria-live="polite"></div>`;
}

/**
 * A live fragment: each part replaces the page's element with the same `data-live-part` (the
 * page's script polls the URL in its `data-live` container).
 */
export function liveParts(parts: Record<string, Html>): Html {
  return html`${Object.entries(parts).map(([name, part]) => html`<div data-part="${name}">${part}</div>`)}`;
}
