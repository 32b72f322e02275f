/**
 * The review console at `/console/`: the built web app from web/console, served by src/http/web-app.ts.
 * It may not be framed (clickjacking a reviewer's accept button), and it needs no camera.
 */
import type { FastifyInstance } from 'fastify';
import { registerWebApp } from '../../http/web-app.ts';

export function registerConsolePage(app: FastifyInstance): void {
  registerWebApp(app, {
    name: 'console',
    prefix: '/console/',
    permissionsPolicy: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  });
}
