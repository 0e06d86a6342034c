// The panels of one playground put in place: three columns (data and model | circuit and state
// inspector | training and plots), the lesson text, and — for embeds (`compact`) — a bar with
// the lesson's title and a slot for tools. Also the lesson locks: a locked control's fieldset
// is disabled and says so (`data-lock`, or `data-lock-with` for a second fieldset under the
// same lock, such as the model blocks with the circuit).

import { h } from './dom.js';

/**
 * Builds the layout in `root`. Returns `{ barTools, render }`: the bar's tool slot (null
 * without a bar) and `render(doc)`, which updates the lesson text and the locks.
 */
export function buildLayout(root, { compact, messages, panels, isLocked }) {
  const { editor, gateInspector, stateView, dataPanel, blocks, controls, noise, output, debugger: debug } = panels;
  const lessonTitle = h('h2', { class: 'lesson-title' });
  const lessonText = h('p', { class: 'lesson-text' });
  const lesson = h('section', { class: 'panel lesson', 'aria-label': 'Lesson', 'data-testid': 'lesson', hidden: true }, lessonTitle, lessonText);

  const circuitPanel = h('section', { class: 'panel circuit-panel', 'aria-label': 'Circuit' },
    h('h2', { text: 'Circuit' }),
    h('fieldset', { class: 'lockable', 'data-lock': 'circuit' },
      h('legend', { class: 'visually-hidden', text: 'Circuit editor' }), editor.el, gateInspector.el),
    messages.circuit.el);
  const statePanel = h('section', { class: 'panel state-panel', 'aria-label': 'State inspector' },
    h('h2', { text: 'State inspector' }), stateView.el, messages.state.el);

  const barTitle = h('span', { class: 'bar-title', 'data-testid': 'bar-title' });
  const barTools = compact ? h('span', { class: 'bar-tools' }) : null;
  const bar = compact ? h('div', { class: 'bar' }, barTitle, barTools) : null;

  root.classList.add('qmlp');
  root.classList.toggle('compact', compact);
  root.replaceChildren(...[
    messages.global.el,
    bar,
    h('div', { class: 'layout' },
      h('div', { class: 'col col-left' }, compact ? null : lesson, dataPanel.el, controls.modelEl, noise?.el),
      h('div', { class: 'col col-mid' }, compact ? lesson : null, circuitPanel, blocks.el, statePanel),
      h('div', { class: 'col col-right' }, controls.el, output.el, debug?.el)),
  ].filter(Boolean));

  function render(doc) {
    const { title = '', description = '' } = doc;
    lesson.hidden = compact ? !description : (!title && !description);
    lessonTitle.textContent = title;
    lessonTitle.hidden = compact;
    lessonText.textContent = description;
    // In the full page a long lesson text scrolls inside its box (max-height): keyboard users
    // reach it with Tab to scroll it (axe: scrollable-region-focusable). The compact layout
    // shows it whole.
    if (description && !compact) lessonText.setAttribute('tabindex', '0');
    else lessonText.removeAttribute('tabindex');
    barTitle.textContent = title || 'QML Playground';
    // Several embedded playgrounds on one page: their panels' landmarks are told apart by the
    // lesson's title.
    for (const sec of root.querySelectorAll('section.panel[aria-label]')) {
      sec.dataset.label ??= sec.getAttribute('aria-label');
      sec.setAttribute('aria-label', compact && title ? `${sec.dataset.label} (${title})` : sec.dataset.label);
    }
    for (const fs of root.querySelectorAll('fieldset.lockable, fieldset[data-lock-with]')) {
      const locked = isLocked(fs.dataset.lock ?? fs.dataset.lockWith);
      fs.disabled = locked;
      fs.classList.toggle('locked', locked);
      if (locked) fs.title = 'Locked by the lesson'; else fs.removeAttribute('title');
    }
  }

  // Without a bar, tools go wherever the page puts them (main.js: the page header).
  return { barTools: barTools ?? h('span', { class: 'bar-tools' }), render };
}
