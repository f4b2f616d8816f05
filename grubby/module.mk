# grubby/: the grubby program, and new-kernel-pkg (in grubby/new-kernel-pkg/).
-include grubby/new-kernel-pkg/part.mk
