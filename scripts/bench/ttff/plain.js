// The free baseline page's script: hls.js with the player's buffer settings, muted autoplay.
const video = document.querySelector('video')
const hls = new Hls({ maxBufferLength: 8, maxMaxBufferLength: 8, backBufferLength: 30 })
hls.loadSource(new URLSearchParams(location.search).get('stream'))
hls.attachMedia(video)
video.play().catch(() => undefined)
