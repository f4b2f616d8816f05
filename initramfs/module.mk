# initramfs/: the `bootchain initramfs` subcommand (a small C builder of test
# initramfs images: cpio newc, gzip via zlib, xz via liblzma) and the dracut
# wrapper new-kernel-pkg uses to build real initramfs images.
INITRAMFS_BUILDER_SRCS := initramfs/cpio.c initramfs/compress.c
INITRAMFS_DRACUT_SRCS := initramfs/dracut.c initramfs/run.c
BOOTCHAIN_SRCS += initramfs/initramfs_cmd.c $(INITRAMFS_BUILDER_SRCS)
BOOTCHAIN_LDLIBS += -lz -llzma
