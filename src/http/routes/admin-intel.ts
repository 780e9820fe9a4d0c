import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  addManualEntry,
  listManualEntries,
  listSources,
  lookupIp,
  refreshSourceNow,
  removeManualEntry,
  type AdminIntelDeps,
} from '../../intel/admin-intel.js';
import {
  errorResponse,
  intelSourcesResponse,
  ipLookupResponse,
  ipParams,
  manualEntriesResponse,
  manualEntryBody,
  manualEntryQuery,
  manualEntryRemovedResponse,
  manualEntryResponse,
  refreshResponse,
  sourceParams,
} from '../schemas.js';

const common = { tags: ['admin'], security: [{ bearer: [] }] };
const errors = { '4xx': errorResponse, '5xx': errorResponse };

/** `/v1/admin/intel/*`: IP list sources, one address looked up, manual entries. */
export const adminIntelRoutes = (deps: AdminIntelDeps): FastifyPluginAsyncZod => async (app) => {
  app.get('/v1/admin/intel/sources', {
    schema: { summary: 'IP list sources: version, size, last refresh, last error', ...common, response: { 200: intelSourcesResponse, ...errors } },
    handler: () => listSources(deps),
  });

  app.post('/v1/admin/intel/sources/:name/refresh', {
    schema: {
      summary: 'Refresh one list source now (a failure keeps the last good version)',
      ...common,
      params: sourceParams,
      response: { 200: refreshResponse, ...errors },
    },
    handler: async (request) => {
      const result = await refreshSourceNow(deps, request.params.name);
      request.log.info({ admin: request.admin.id, source: result.name, outcome: result.outcome }, 'admin refreshed an IP list source');
      return result;
    },
  });

  app.get('/v1/admin/intel/ips/:ip', {
    schema: {
      summary: 'Which lists hold an address, why and since when, and its traffic counters',
      ...common,
      params: ipParams,
      response: { 200: ipLookupResponse, ...errors },
    },
    handler: (request) => lookupIp(deps, request.params.ip),
  });

  app.get('/v1/admin/intel/entries', {
    schema: { summary: 'Manual entries in force', ...common, response: { 200: manualEntriesResponse, ...errors } },
    handler: () => listManualEntries(deps),
  });

  app.post('/v1/admin/intel/entries', {
    schema: {
      summary: 'Add a manual entry that expires by itself',
      ...common,
      body: manualEntryBody,
      response: { 201: manualEntryResponse, ...errors },
    },
    handler: async (request, reply) => {
      const entry = await addManualEntry(deps, request.body, request.admin.id);
      request.log.info({ admin: request.admin.id, network: entry.network, expires_at: entry.expires_at }, 'admin added a manual IP list entry');
      reply.status(201);
      return entry;
    },
  });

  app.delete('/v1/admin/intel/entries', {
    schema: {
      summary: 'Remove a manual entry before it expires',
      ...common,
      querystring: manualEntryQuery,
      response: { 200: manualEntryRemovedResponse, ...errors },
    },
    handler: async (request) => {
      const removed = await removeManualEntry(deps, request.query.network);
      request.log.info({ admin: request.admin.id, network: removed.network }, 'admin removed a manual IP list entry');
      return removed;
    },
  });
};
