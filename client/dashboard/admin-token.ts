// The admin token lives in sessionStorage: it survives a reload of the tab, and is gone when the tab closes.
const KEY = 'p2p.host.adminToken'

export function savedToken(storage: Pick<Storage, 'getItem'> = sessionStorage): string | null {
  const token = storage.getItem(KEY)
  return token && token.length > 0 ? token : null
}

export function saveToken(token: string, storage: Pick<Storage, 'setItem'> = sessionStorage): void {
  storage.setItem(KEY, token)
}

export function forgetToken(storage: Pick<Storage, 'removeItem'> = sessionStorage): void {
  storage.removeItem(KEY)
}

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
  }

  get isAuthProblem(): boolean {
    return this.status === 401 || this.status === 403
  }
}

/** Calls an admin endpoint with the token; a refusal becomes an AdminApiError carrying the host's own message. */
export async function adminFetch<T>(path: string, token: string, init: RequestInit = {}): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}`, Accept: 'application/json' } })
  } catch {
    throw new AdminApiError('The host is unreachable. Check that it is running, then try again.', 0)
  }
  const body = (await response.json().catch(() => ({}))) as { message?: string }
  if (!response.ok) throw new AdminApiError(body.message ?? `The host answered ${response.status}.`, response.status)
  return body as T
}
