import express, { type Router } from 'express';
import { ADMIN_ROLE, createGroupBody, errors, groupCodeSchema, setMemberBody } from '@mutual/schema';
import { asyncRoute } from '../core/http/async-route.js';
import { parseBody } from '../core/http/parse-body.js';
import type { Groups } from './groups.js';

export function groupRoutes(groups: Groups): Router {
  const router = express.Router();

  router.post('/groups', asyncRoute(async (req, res) => {
    const body = parseBody(createGroupBody, req.body);
    res.status(201).json(await groups.create(body, req.userCtx.name as string));
  }));

  router.get('/groups', asyncRoute(async (_req, res) => {
    res.json({ groups: await groups.list() });
  }));

  // For operators (MUTUAL_ADMIN): the communities API brings the members' own ways to join.
  router.put('/groups/:code/members/:userId', asyncRoute(async (req, res) => {
    if (!req.userCtx.roles.includes(ADMIN_ROLE)) throw errors.forbidden('server admins only');
    const code = parseBody(groupCodeSchema, req.params.code);
    const { role } = parseBody(setMemberBody, req.body);
    await groups.setMember(code, String(req.params.userId), role);
    res.json({ group: code, user: req.params.userId, role });
  }));

  return router;
}
