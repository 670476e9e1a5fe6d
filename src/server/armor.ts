/**
 * Operation limits, the same on both transports: the token limit is graphql-js's own parse option
 * (so an over-long document is a GRAPHQL_PARSE_FAILED like any syntax error), and depth, aliases,
 * directives and cost are the validation rules of @escape.tech/graphql-armor, given to Apollo as
 * `validationRules` and run by ws.ts with graphql-js `validate` for WebSocket operations.
 */
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  type ParseOptions,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
}

export const MAX_DIRECTIVES = 50;

/** As graphql-js reports a validation error (armor words its own as "Syntax Error: …"). */
function reportToContext(ctx: ValidationContext | null, error: GraphQLError): void {
  ctx?.reportError(
    new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { nodes: error.nodes }),
  );
}

/** graphql-armor's limits as validation rules. */
export function armorValidationRules(limits: OperationLimits): ValidationRule[] {
  const report = { propagateOnRejection: false, onReject: [reportToContext] };
  return [
    costLimitRule({ maxCost: limits.maxCost, ignoreIntrospection: true, ...report }),
    maxAliasesRule({ n: limits.maxAliases, ...report }),
    maxDirectivesRule({ n: MAX_DIRECTIVES, ...report }),
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, ...report }),
  ] as unknown as ValidationRule[];
}

/** Every rule a WebSocket operation is validated with (Apollo adds the first and last itself). */
export function wsValidationRules(
  limits: OperationLimits,
  options: { introspection: boolean },
): ValidationRule[] {
  return [
    ...specifiedRules,
    ...armorValidationRules(limits),
    ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
}

export function parseOptions(limits: OperationLimits): ParseOptions {
  return { maxTokens: limits.maxTokens };
}
