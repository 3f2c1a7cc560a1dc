import type { Request } from 'express';
import type { Principal } from '../auth.js';

/** What a valid session cookie says: who is logged in, and the token their forms must carry. */
export interface UiSession {
  principal: Principal;
  /** The anti-CSRF token of this session, for the hidden field of every form that changes something. */
  csrf: string;
}

/**
 * The web UI's login sessions: a signed, expiring cookie (HttpOnly, SameSite=Strict, Secure over https) made by
 * the login form, and the CSRF token its forms carry. (Placeholder: no sessions yet.)
 */
export class UiSessions {
  /** The session a request's cookie carries, if it is valid and unexpired. */
  async read(_req: Request): Promise<UiSession | undefined> {
    return undefined;
  }
}
