# The hypervisor image build/boot/bchv (ELF64, multiboot1+2) and bchv.gz.
# Every freestanding source (hypervisor/lib, decompress, loader, core and
# this folder) is compiled again with kernel flags into $(BUILD)/hv/obj.
# No sanitizer flags: the image runs on bare metal.
HV_IMG_DIR  := $(BUILD)/hv/obj
HV_IMG_SRCS := $(HV_FS_SRCS) $(wildcard hypervisor/core/*.c hypervisor/arch/x86/*.c \
	hypervisor/arch/x86/svm/*.c)
HV_IMG_ASM  := $(wildcard hypervisor/arch/x86/*.S hypervisor/arch/x86/svm/*.S)
HV_IMG_OBJS := $(patsubst %.c,$(HV_IMG_DIR)/%.o,$(HV_IMG_SRCS)) \
	       $(patsubst %.S,$(HV_IMG_DIR)/%.o,$(HV_IMG_ASM))
# GCC turns copy loops into memcpy calls unless told not to; clang lacks the flag
HV_NO_LOOP_CALLS := $(shell $(CC) -fno-tree-loop-distribute-patterns -E -x c /dev/null \
	>/dev/null 2>&1 && echo -fno-tree-loop-distribute-patterns)
HV_IMG_CFLAGS := -std=c11 -O2 -g $(WARN) -ffreestanding -nostdinc -fno-builtin \
	-fno-pic -fno-pie -mcmodel=small -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-asynchronous-unwind-tables $(HV_NO_LOOP_CALLS) \
	-fcf-protection=none -Ihypervisor/include -I. -MMD -MP
HV_IMG_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -T hypervisor/arch/x86/bchv.ld

PROGRAMS += $(BUILD)/boot/bchv.gz

$(HV_IMG_DIR)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HV_IMG_CFLAGS) -c $< -o $@
$(HV_IMG_DIR)/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(HV_IMG_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BUILD)/boot/bchv: $(HV_IMG_OBJS) hypervisor/arch/x86/bchv.ld
	@mkdir -p $(@D)
	$(CC) $(HV_IMG_LDFLAGS) -o $@ $(HV_IMG_OBJS) -lgcc

$(BUILD)/boot/bchv.gz: $(BUILD)/boot/bchv
	gzip -9 -n -c $< > $@.tmp && mv $@.tmp $@

-include $(shell find $(HV_IMG_DIR) -name '*.d' 2>/dev/null)

# Installed where boot loaders and HYPERVISOR= look for hypervisors, as Xen's package does.
INSTALL_RULES += install-bchv
.PHONY: install-bchv
install-bchv: $(BUILD)/boot/bchv.gz
	install -D -m 0644 $(BUILD)/boot/bchv.gz $(DESTDIR)/boot/bchv.gz
