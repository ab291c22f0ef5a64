// Tells staying with the host from leaving it, as far as a page can: a reload, or a page of the same host (another
// stream, the next episode), keeps the channel open (the next page resumes it, and a returning viewer only signs an
// update); leaving settles it. Navigations the page starts, its keyboard shortcuts and the browser's back and forward
// are recognised through the Navigation API; a reload from the browser's own button, or an address typed in, looks
// like leaving, and then a new channel covers it.

interface NavigateEventLike extends Event {
  navigationType?: string
  destination?: { url?: string }
}

/** A navigation that keeps the viewer with this host: a reload, or any page of the same origin. */
export function staysWithHost(navigationType: string | undefined, destination: string | undefined, origin: string): boolean {
  if (navigationType === 'reload') return true
  if (!destination) return false
  try {
    return new URL(destination).origin === origin
  } catch {
    return false
  }
}

export function watchLeaveIntent(): { staying(): boolean } {
  let staying = false
  const nav = (globalThis as { navigation?: EventTarget }).navigation
  nav?.addEventListener('navigate', (event) => {
    const navigate = event as NavigateEventLike
    staying = staysWithHost(navigate.navigationType, navigate.destination?.url, location.origin)
  })
  window.addEventListener('keydown', (event) => {
    const key = event.key.toLowerCase()
    if (event.key === 'F5' || ((event.ctrlKey || event.metaKey) && key === 'r')) staying = true
  })
  return { staying: () => staying }
}
