"""The lint rules, one module per rule; importing this package registers them all."""

from bncheck.lint.rules import (  # noqa: F401 - imported for their registration
    bn000_syntax,
    bn001_update_ops_not_run,
    bn002_update_ops_read_early,
    bn003_saver_drops_moving_stats,
    bn004_training_flag_missing,
    bn005_bad_momentum,
    bn006_training_hardcoded,
    bn007_unused_stat_assign,
    bn008_keras_tape_training,
    bn009_frozen_base_training,
    bn010_keras3_v1_layers,
    bn011_keras_bn_update_ops,
    bn012_training_branch_outside_cond,
)
