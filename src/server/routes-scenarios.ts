/** Scenarios: list, get (a version), versions, save a new version, validate a text. */
import type { ServerContext } from './app.ts';
import {
  saveScenarioSchema,
  savedSchema,
  scenarioDocumentSchema,
  scenarioListSchema,
  scenarioQuerySchema,
  scenarioVersionsSchema,
  validateSchema,
  validationSchema,
} from './schemas.ts';

const ID_PARAM = { id: 'a built-in or saved scenario id (`neocloud-base`)' };

export function scenarioRoutes({ routes, library, deps }: ServerContext): void {
  routes.add(
    {
      method: 'get',
      path: '/api/scenarios',
      operationId: 'listScenarios',
      tag: 'scenarios',
      summary: 'The built-in scenarios (archetype order) and the saved ones, each at its latest version',
      responses: { 200: { description: 'the scenarios', schema: scenarioListSchema } },
    },
    async (c) => c.json({ scenarios: await library.list() }),
  );

  routes.add(
    {
      method: 'get',
      path: '/api/scenarios/:id',
      operationId: 'getScenario',
      tag: 'scenarios',
      summary: 'A scenario: its text and its resolution (latest version, or ?version=N; 0 is the shipped built-in)',
      params: ID_PARAM,
      query: scenarioQuerySchema,
      responses: { 200: { description: 'the scenario', schema: scenarioDocumentSchema } },
      errors: [404],
    },
    async (c, { query }) => c.json(await library.get(c.req.param('id') ?? '', query.version)),
  );

  routes.add(
    {
      method: 'get',
      path: '/api/scenarios/:id/versions',
      operationId: 'scenarioVersions',
      tag: 'scenarios',
      summary: 'Every version of a scenario, oldest first (0 is the shipped built-in)',
      params: ID_PARAM,
      responses: { 200: { description: 'the versions', schema: scenarioVersionsSchema } },
      errors: [404],
    },
    async (c) => {
      const id = c.req.param('id') ?? '';
      return c.json({ id, versions: await library.versions(id) });
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/scenarios',
      operationId: 'saveScenario',
      tag: 'scenarios',
      summary: 'Validate a scenario text and save it as a new version of its id',
      description:
        'The id is the `id:` of the text. Invalid text answers 400 with every issue (path, line, column). ' +
        'Saving the text of the latest version again stores nothing and answers 200 with `created: false`. ' +
        "Saving under a built-in's id makes a new version of it; version 0 stays the shipped text.",
      write: true,
      body: saveScenarioSchema,
      responses: {
        201: { description: 'saved as a new version', schema: savedSchema, headers: { Location: 'the URL of the saved version' } },
        200: { description: 'the text is the latest version already', schema: savedSchema },
      },
      errors: [503],
    },
    async (c, { body }) => {
      const saved = await library.save(body.yaml);
      if (saved.created) c.header('Location', `/api/scenarios/${saved.id}?version=${saved.version}`);
      return c.json(saved, saved.created ? 201 : 200);
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/validate',
      operationId: 'validate',
      tag: 'scenarios',
      summary: 'Check a scenario text without saving it: every issue at once (what `payback validate` prints)',
      description: 'Answers 200 either way; `ok` says whether the text is a valid scenario.',
      body: validateSchema,
      responses: { 200: { description: 'the issues', schema: validationSchema } },
    },
    async (c, { body }) => {
      // a large text is read in a worker; a valid scenario too large for this server is still valid
      const r = await library.validate(body.yaml);
      return c.json(
        r.ok
          ? { ok: true, issues: [], warnings: r.warnings, scenario: r.scenario }
          : { ok: false, issues: r.issues, warnings: r.warnings, scenario: null },
      );
    },
  );
}
