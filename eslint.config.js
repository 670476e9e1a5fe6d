// @ts-check
const eslint = require('@eslint/js');
const tseslint = require('typescript-eslint');
const { LAYERS, MODULES, SEEDS_MAY_IMPORT } = require('./eslint.layers');

const alternatives = (names) => names.join('|');

/** Pure ML: arrays in, numbers out. No database or GraphQL packages. */
const PURE_ML = {
  group: ['typeorm', 'typeorm/*', 'pg', 'type-graphql', 'graphql', 'graphql-ws', '@apollo/*'],
  message: 'src/ml is pure: no database or GraphQL imports.',
};

/**
 * Layers that only point down (eslint.layers.js): a file in src/<layer>/ may not import a layer listed
 * after it, and a module may not import a module listed after it.
 */
function layerRules() {
  const rule = (files, regex, message, extra = []) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex, message }, ...extra] }] },
  });
  const blocks = LAYERS.slice(0, -1).map((layer, i) => {
    const above = LAYERS.slice(i + 1);
    const files = ['cli', 'main'].includes(layer) ? [`src/${layer}.ts`] : [`src/${layer}/**/*.ts`];
    return rule(
      files,
      `^(\\.\\./)+(${alternatives(above)})(/|$)`,
      `src/${layer} sits below ${above.join(', ')}: it may not import them (eslint.layers.js).`,
      layer === 'ml' ? [PURE_ML] : [],
    );
  });
  const modules = MODULES.slice(0, -1).map((m, i) => {
    const later = MODULES.slice(i + 1);
    return rule(
      [`src/modules/${m}/**/*.ts`],
      `^\\.\\./(${alternatives(later)}|(\\.\\./)+(${alternatives(LAYERS.slice(LAYERS.indexOf('modules') + 1))}))(/|$)`,
      `modules/${m} may import only earlier modules and lower layers (eslint.layers.js).`,
    );
  });
  const seeds = rule(
    ['seeds/**/*.ts'],
    `^(\\.\\./)+src/(?!(${alternatives(SEEDS_MAY_IMPORT)})(/|$))`,
    `seeds/ may import only ${SEEDS_MAY_IMPORT.map((l) => `src/${l}`).join(' and ')}.`,
  );
  return [...blocks, ...modules, seeds];
}

module.exports = tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.data/', 'models/', 'bench/results/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  ...layerRules(),
  {
    // The operators' console: ES modules that run in the browser (graphql-ws and uPlot are globals).
    files: ['src/server/dashboard/page/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'location',
          'sessionStorage',
          'localStorage',
          'fetch',
          'Node',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'graphqlWs',
          'uPlot',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
