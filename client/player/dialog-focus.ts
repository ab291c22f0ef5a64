// Keeps keyboard focus inside the open modal dialog: Tab from its last control goes to its first, Shift+Tab from its
// first to its last, where the browser alone would step out to its own toolbar. Escape, the first focus and the return
// of focus on close are the <dialog> element's own. One listener serves every dialog of the page.
const TABBABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])'

function tabbableIn(dialog: HTMLDialogElement): HTMLElement[] {
  return [...dialog.querySelectorAll<HTMLElement>(TABBABLE)].filter((element) => !element.matches(':disabled') && element.checkVisibility())
}

export function keepFocusInDialogs(doc: Document = document): void {
  doc.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return
    const dialog = doc.querySelector<HTMLDialogElement>('dialog:modal')
    if (!dialog) return
    const tabbable = tabbableIn(dialog)
    const first = tabbable[0]
    const last = tabbable.at(-1)
    if (!first || !last) return
    const active = doc.activeElement
    const leaving = !dialog.contains(active) || active === (event.shiftKey ? first : last)
    if (!leaving) return
    event.preventDefault()
    ;(event.shiftKey ? last : first).focus()
  })
}
