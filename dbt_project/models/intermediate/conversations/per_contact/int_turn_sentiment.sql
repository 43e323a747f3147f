-- Sentiment of every transcript turn: the turns int_turn_sentiment_changed scored in this
-- build replace those of the same contacts (incremental per contact,
-- macros/incremental_by_interaction.sql).
-- depends_on: {{ ref('int_changed_interactions') }}
select * from {{ ref('int_turn_sentiment_changed') }}
