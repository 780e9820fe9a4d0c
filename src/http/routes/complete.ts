import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { completeAssessment, type CompleteAssessmentDeps } from '../../risk/complete-assessment.js';
import { assessmentIdParams, completeResponse, errorResponse } from '../schemas.js';

/** `POST /v1/assessments/{id}/complete`: commit an allowed login assessed with `commit: false`. */
export const completeRoutes = (deps: CompleteAssessmentDeps): FastifyPluginAsyncZod => async (app) => {
  app.post('/v1/assessments/:id/complete', {
    schema: {
      summary: 'Commit an allowed assessment to history',
      tags: ['assess'],
      security: [{ bearer: [] }],
      params: assessmentIdParams,
      response: { 200: completeResponse, '4xx': errorResponse, '5xx': errorResponse },
    },
    handler: (request) => completeAssessment(deps, request.params.id, request.client.id),
  });
};
