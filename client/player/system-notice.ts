// Alerts as system notifications, for a viewer who asked for them and whose page is hidden (another tab, a minimised
// window): the toast alone would wait unseen while the money goes. The browser asks the viewer's permission once.

/** Asks the browser's permission when the viewer turns notifications on; says what came of it. */
export async function allowNotifications(): Promise<string> {
  if (typeof Notification === 'undefined') return 'This browser cannot show system notifications; alerts stay on the page.'
  const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission
  return permission === 'granted' ? 'System notifications are on while this page is hidden.' : 'The browser blocks notifications for this site; alerts stay on the page.'
}

/** Shows `text` as a system notification when the viewer wants that, the browser allows it and the page is hidden. */
export function noticeWhenHidden(wanted: boolean, text: string): void {
  if (!wanted || !document.hidden || typeof Notification === 'undefined' || Notification.permission !== 'granted') return
  new Notification('P2P Channels', { body: text, tag: 'p2p-alert' })
}
