// Tells a reload from leaving, as far as a page can: a reload must keep the channel open (it resumes on the next
// load), leaving settles it. Reloads started by the page or its keyboard shortcuts are recognised; a reload from
// the browser's own button looks like leaving, and then the host's idle timeout or a new channel covers it.

interface NavigateEventLike extends Event {
  navigationType?: string
}

export function watchReloadIntent(): { reloading(): boolean } {
  let reloading = false
  const nav = (globalThis as { navigation?: EventTarget }).navigation
  nav?.addEventListener('navigate', (event) => {
    reloading = (event as NavigateEventLike).navigationType === 'reload'
  })
  window.addEventListener('keydown', (event) => {
    const key = event.key.toLowerCase()
    if (event.key === 'F5' || ((event.ctrlKey || event.metaKey) && key === 'r')) reloading = true
  })
  return { reloading: () => reloading }
}
