// SPDX-License-Identifier: MIT
/*
 * mmzone.c - zone kinds and the zone layout of a kernel build, see
 * kmm/mmzone.h.
 */
#include <kmm/error.h>
#include <kmm/kernel.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/mmzone.h>

static const char *const zone_names[KMM_ZONE_KINDS] = {
	[KMM_ZONE_DMA] = "DMA",         [KMM_ZONE_DMA32] = "DMA32",
	[KMM_ZONE_NORMAL] = "Normal",   [KMM_ZONE_HIGHMEM] = "HighMem",
	[KMM_ZONE_MOVABLE] = "Movable", [KMM_ZONE_DEVICE] = "Device",
};

const char *kmm_zone_kind_name(enum kmm_zone_kind kind)
{
	return (unsigned int)kind < KMM_ZONE_KINDS ? zone_names[kind] : "?";
}

void kmm_zone_layout_init(struct kmm_zone_layout *l, const struct kmm_kernel *k)
{
	l->nr = 0;
	if (k->zone_dma)
		l->kind[l->nr++] = KMM_ZONE_DMA;
	if (k->zone_dma32)
		l->kind[l->nr++] = KMM_ZONE_DMA32;
	l->kind[l->nr++] = KMM_ZONE_NORMAL;
	if (k->highmem)
		l->kind[l->nr++] = KMM_ZONE_HIGHMEM;
	l->kind[l->nr++] = KMM_ZONE_MOVABLE;
	if (k->zone_device)
		l->kind[l->nr++] = KMM_ZONE_DEVICE;
	kmm_memset(l->at, 0, sizeof(l->at));
	for (unsigned int i = 0; i < l->nr; i++)
		l->at[l->kind[i]] = (u8)(i + 1);
}

/* kmm_zones_check - see kmm/mmzone.h */
int kmm_zones_check(const struct kmm_machine *m, char *err, size_t errlen)
{
	if (m->zone_layout.nr == 0 || m->zone_layout.nr > KMM_MAX_NR_ZONES) {
		kmm_snprintf(err, errlen,
			     "zone layout not set: %u zones (free_area_init has not run)",
			     m->zone_layout.nr);
		return -KMM_EINVAL;
	}
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		if (!m->node[nid].online)
			continue;
		for (unsigned int i = 0; i < m->zone_layout.nr; i++) {
			const struct kmm_zone *z = &m->node[nid].zones[i];
			const char *name = kmm_zone_kind_name(m->zone_layout.kind[i]);

			if (z->present_pages > z->spanned_pages) {
				kmm_snprintf(err, errlen,
					     "node %d zone %s: present %lu > spanned %lu", nid,
					     name, z->present_pages, z->spanned_pages);
				return -KMM_EINVAL;
			}
			if (z->managed_pages > z->present_pages) {
				kmm_snprintf(err, errlen,
					     "node %d zone %s: managed %lu > present %lu", nid,
					     name, z->managed_pages, z->present_pages);
				return -KMM_EINVAL;
			}
		}
	}
	return 0;
}
