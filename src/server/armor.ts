/**
 * Operation limits from @escape.tech/graphql-armor: depth, aliases, tokens, directives and cost, with
 * field suggestions masked. Apollo applies them to HTTP (`apolloArmor`); its validation rules never
 * see graphql-ws operations, so ws.ts parses and validates with the same limits (`parseWithLimits`,
 * `armorValidationRules`), and a limit rejects an operation the same way on both transports.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLArmorConfig } from '@escape.tech/graphql-armor-types';
import {
  GraphQLError,
  type DocumentNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
}

const MAX_DIRECTIVES = 50;
const SUGGESTION = /Did you mean ".+"/g;

/** Fresh every time: ApolloArmor adds its reject handlers to the objects it is given. */
function armorConfig(limits: OperationLimits): GraphQLArmorConfig {
  return {
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    maxTokens: { n: limits.maxTokens },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
    maxDirectives: { n: MAX_DIRECTIVES },
    blockFieldSuggestion: { enabled: true },
  };
}

/** Plugins and validation rules for Apollo Server (HTTP). */
export function apolloArmor(limits: OperationLimits): ReturnType<ApolloArmor['protect']> {
  return new ApolloArmor(armorConfig(limits)).protect();
}

/** As Apollo reports a rejection: an error on the validation context, code BAD_USER_INPUT. */
function reportToContext(ctx: ValidationContext | null, error: GraphQLError): void {
  ctx?.reportError(new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } }));
}

/** The same rules for graphql-ws, configured as ApolloArmor configures them. */
export function armorValidationRules(limits: OperationLimits): ValidationRule[] {
  const c = armorConfig(limits);
  const report = { propagateOnRejection: false, onReject: [reportToContext] };
  return [
    costLimitRule({ ...c.costLimit, ...report }),
    maxAliasesRule({ ...c.maxAliases, ...report }),
    maxDirectivesRule({ ...c.maxDirectives, ...report }),
    maxDepthRule({ ...c.maxDepth, ...report }),
  ] as unknown as ValidationRule[];
}

/** Parse with the token limit (a GraphQLError "Syntax Error: Token limit … exceeded" past it). */
export function parseWithLimits(source: string, limits: OperationLimits): DocumentNode {
  return new MaxTokensParserWLexer(source, { n: limits.maxTokens }).parseDocument();
}

/** Field suggestions leak the schema to a caller who may not introspect it: mask them. */
export function maskSuggestions(message: string): string {
  return message.replace(SUGGESTION, '[Suggestion hidden]');
}
