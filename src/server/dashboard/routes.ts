/**
 * The console's routes: the page at /dashboard (the subscriber view is /dashboard#user/<id>), its own
 * files under /dashboard/assets/, the browser builds of graphql-ws and uPlot under /dashboard/vendor/,
 * and /favicon.ico. Only names read at start-up are served, so no path reaches the file system.
 */
import express from 'express';
import { consoleAssets, type Asset } from './assets';

function send(res: express.Response, asset: Asset | undefined, next: express.NextFunction): void {
  if (!asset) return next();
  // Revalidated on every load (ETag), so a new version of the console is picked up at once.
  res.type(asset.type).set('Cache-Control', 'no-cache').send(asset.body);
}

/** Routes of the console page and its files. */
export function dashboardRouter(): express.Router {
  const assets = consoleAssets();
  const router = express.Router();
  router.get('/dashboard', (_req, res, next) => send(res, assets.page, next));
  router.get('/dashboard/assets/:file', (req, res, next) =>
    send(res, assets.files.get(req.params.file), next),
  );
  router.get('/dashboard/vendor/:file', (req, res, next) =>
    send(res, assets.vendor.get(req.params.file), next),
  );
  return router;
}

/** /favicon.ico for every page of the service (GraphiQL and the console). */
export function faviconHandler(): express.RequestHandler {
  const { icon } = consoleAssets();
  return (_req, res) => {
    res.type(icon.type).set('Cache-Control', 'public, max-age=86400').send(icon.body);
  };
}
