/* The QEMU runner of the boot stage. */
#ifndef BC_MATRIX_QEMU_H
#define BC_MATRIX_QEMU_H
#include "bootchain/matrix/matrix.h"

struct mx_qemu_spec {
	const char *iso;
	bool disk;              /* iso is a raw disk image (an ESP), not a CD */
	enum mx_firmware firmware;
	enum mx_hv_kind hv;
	const char *ovmf;       /* UEFI firmware image */
	int mem_mb;
	int timeout_s;
	const char *log;        /* serial log written here */
	char *doing;            /* when set: the stage dom0 is in, updated as it runs */
	size_t doing_len;
	bool svm;               /* offer SVM with nested paging (PVH guests need it) */
	int silence_s;          /* > 0: stop once the console has been quiet this long */
};

/* argv of QEMU for spec (strings kept in storage); returns argc or -1. */
int mx_qemu_argv(const struct mx_qemu_spec *q, char *argv[], int max, char *storage, size_t len);
/* Boot and watch; 0 with r filled, -1 when QEMU could not be started at all. */
int mx_qemu_boot(const struct mx_qemu_spec *q, struct mx_boot_result *r);

#endif
