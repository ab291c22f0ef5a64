// Admin pages and APIs answer only to the host's admin token (Authorization: Bearer <token>).
import { createHash, timingSafeEqual } from 'node:crypto'
import type { NextFunction, Request, Response } from 'express'

const digest = (value: string) => createHash('sha256').update(value).digest()

export function isAdminToken(candidate: string | undefined, adminToken: string): boolean {
  return typeof candidate === 'string' && timingSafeEqual(digest(candidate), digest(adminToken))
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  return match?.[1]
}

export function requireAdmin(adminToken: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const supplied = bearerToken(req.get('authorization'))
    if (!supplied) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized', message: 'Send the admin token as "Authorization: Bearer <token>". It is printed when the host starts.' })
      return
    }
    if (!isAdminToken(supplied, adminToken)) {
      res.status(403).json({ error: 'forbidden', message: 'That admin token is wrong.' })
      return
    }
    next()
  }
}
