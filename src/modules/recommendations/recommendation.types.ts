import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { RecommendationSource } from './recommendation-source';

registerEnumType(RecommendationSource, {
  name: 'RecommendationSource',
  valuesConfig: {
    HYBRID: {
      description:
        'The blend of every source, with the weights `churn train-recs` learned for the size of the history.',
    },
    COLLABORATIVE: {
      description: 'Matrix factorisation: viewers who watch what you watch also watch…',
    },
    CONTENT: { description: 'Genres, tags and descriptions like those of what you watched.' },
    GENRE_MIXTURE: {
      description:
        'How subscribers choose: a genre from your taste, then a title of it by its own appeal (a genre-mixture model).',
    },
    POPULAR_IN_SEGMENT: { description: 'Popular among subscribers of your segment (or everyone).' },
    TRENDING: { description: 'Watched most in the last few days.' },
  },
  description: 'Which recommender produced a list or an item.',
});

export enum RecommendationReasonKind {
  BECAUSE_YOU_WATCHED = 'because-you-watched',
  MATCHES_TASTE = 'matches-taste',
  POPULAR_IN_SEGMENT = 'popular-in-segment',
  TRENDING = 'trending',
  CONTINUE_WATCHING = 'continue-watching',
  LIKELY_TO_FINISH = 'likely-to-finish',
}
registerEnumType(RecommendationReasonKind, {
  name: 'RecommendationReasonKind',
  description: 'Kinds of reasons a title is recommended.',
  valuesConfig: {
    BECAUSE_YOU_WATCHED: { description: 'Like a title the subscriber watched (titleId names it).' },
    MATCHES_TASTE: { description: 'In the genres the subscriber watches most.' },
    POPULAR_IN_SEGMENT: { description: 'Popular among subscribers of the same segment.' },
    TRENDING: { description: 'Watched a lot across the service lately.' },
    CONTINUE_WATCHING: { description: 'A title the subscriber is part-way through.' },
    LIKELY_TO_FINISH: {
      description: 'Subscribers like this one tend to finish it (churn-aware re-ranking).',
    },
  },
});

@ObjectType({ description: 'Why a title is recommended.' })
export class RecommendationReason {
  @Field(() => RecommendationReasonKind, { description: 'What kind of reason it is.' })
  kind!: RecommendationReasonKind;

  @Field({ description: 'Ready to show, e.g. "Because you watched Harbor Lights".' })
  text!: string;

  @Field(() => ID, { nullable: true, description: 'The watched title the reason names, if any.' })
  titleId!: string | null;

  @Field(() => String, { nullable: true, description: 'The genre the reason names, if any.' })
  genre!: string | null;
}

@ObjectType({ description: 'A title the subscriber has never started, with why it is shown.' })
export class RecommendedTitle {
  @Field(() => ID, {
    description:
      'The served list this item belongs to (the same for every item of one list): send it back with ' +
      'recordRecommendationImpressions when the list is shown.',
  })
  listId!: string;

  @Field(() => ID, { description: "The recommended title's id." })
  titleId!: string;

  @Field(() => Int, { description: 'Position in the list, from 1.' })
  rank!: number;

  @Field(() => Float, { description: 'Blended score in [0, 1].' })
  score!: number;

  @Field(() => RecommendationSource, { description: 'The source contributing most to the score.' })
  source!: RecommendationSource;

  @Field(() => [RecommendationReason], { description: 'Most important first.' })
  reasons!: RecommendationReason[];

  @Field({
    description: 'Always false: started titles are listed by User.continueWatching.',
    deprecationReason: 'Recommendations hold unstarted titles only; use User.continueWatching.',
  })
  continueWatching!: boolean;

  @Field(() => Float, {
    nullable: true,
    description:
      'Mean completion among the subscriber’s segment, when the list was re-ranked for churn risk.',
  })
  predictedCompletion!: number | null;
}

@ObjectType({ description: 'A title like another, by content.' })
export class SimilarTitle {
  @Field(() => ID, { description: "The similar title's id." })
  titleId!: string;

  @Field(() => Float, { description: 'Cosine similarity of the titles’ TF-IDF vectors.' })
  score!: number;
}

@ObjectType({ description: 'Served recommendations against what was watched afterwards.' })
export class RecommendationEffectiveness {
  @Field({ description: 'Start of the measured window.' })
  since!: Date;

  @Field(() => ID, { nullable: true, description: 'The segment measured; null for everyone.' })
  segmentId!: string | null;

  @Field(() => Int, { description: 'Recommendations served (every list, every item).' })
  impressions!: number;

  @Field(() => Int, { description: 'Distinct (subscriber, title) pairs recommended.' })
  recommendedPairs!: number;

  @Field(() => Int, { description: 'Subscribers shown at least one recommendation.' })
  usersShown!: number;

  @Field(() => Int, {
    description: 'Pairs whose title the subscriber started within 7 days of first seeing it.',
  })
  taken!: number;

  @Field(() => Float, { nullable: true, description: 'taken / recommendedPairs.' })
  uptakeRate!: number | null;

  @Field(() => Int, { description: 'Views of recommended titles after they were shown.' })
  recommendedViews!: number;

  @Field(() => Int, { description: 'Other views of the same subscribers since `since`.' })
  organicViews!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Mean completion of views of recommended titles.',
  })
  recommendedCompletion!: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean completion of the other views.' })
  organicCompletion!: number | null;

  @Field(() => Int, { description: 'Shown subscribers who watched a recommended title.' })
  usersWhoTook!: number;

  @Field(() => Int, { description: 'Shown subscribers who watched no recommended title.' })
  usersWhoDidNot!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Share of those who took one that cancelled since.',
  })
  churnRateTook!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Churn rate of the shown subscribers who did not take one.',
  })
  churnRateDidNot!: number | null;
}

@ObjectType({
  description: 'A started, unfinished title: one item of the "Continue watching" row.',
})
export class ContinueWatchingTitle {
  @Field(() => ID, { description: "The title's id." })
  titleId!: string;

  @Field(() => Float, {
    description:
      'Movie: the furthest completion reached, 0..1. Series: share of its episodes watched.',
  })
  progress!: number;

  @Field({ description: 'When the subscriber last watched it.' })
  lastWatchedAt!: Date;
}

@InputType({
  description:
    'One recommended item a client displayed. Send the fields of the RecommendedTitle as served.',
})
export class RecommendationImpressionInput {
  @Field(() => ID, { description: 'RecommendedTitle.listId of the list shown.' })
  listId!: string;

  @Field(() => ID, { description: 'The subscriber the list was shown to.' })
  userId!: string;

  @Field(() => ID, { description: 'RecommendedTitle.titleId.' })
  titleId!: string;

  @Field(() => Int, { description: 'RecommendedTitle.rank (1 = first).' })
  rank!: number;

  @Field(() => RecommendationSource, { description: 'RecommendedTitle.source.' })
  source!: RecommendationSource;

  @Field(() => Float, { description: 'RecommendedTitle.score.' })
  score!: number;

  @Field(() => [String], { nullable: true, description: 'The reason texts shown, if any.' })
  reasons?: string[] | null;

  @Field(() => Date, { nullable: true, description: 'When it was shown (default: when received).' })
  shownAt?: Date | null;
}

@ObjectType({ description: 'What recordRecommendationImpressions stored.' })
export class RecordedImpressions {
  @Field(() => Int, { description: 'Impressions stored (all of those sent).' })
  recorded!: number;
}
