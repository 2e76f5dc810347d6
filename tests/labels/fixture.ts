import type { LabelData } from '../../server/labels/index.js';

export const sample: LabelData = {
  wasteName: '含有机溶剂的精馏残渣',
  wasteCode: '271-001-02',
  wasteCategory: 'HW02',
  hazards: ['T', 'I'],
  physicalForm: '半固态',
  components: '甲苯、二氯甲烷、精馏釜残（有机物约 60%）',
  producerName: '浙江省某化工园区制药有限公司',
  producerContact: '张工 0571-8888 6666',
  generationDate: '2024-05-01',
  identificationCode: '91330100MA2B3C4D5E27100102202405010001'.slice(0, 37),
  qrUrl: 'https://id.hazledger.example/8003/06901234000017000123?17=20240501&10=271-001-02',
  containerVolumeL: 200,
  precautions: '密封保存，远离火源，佩戴防护用品。',
};

export const atSize = (volumeL: number, over: Partial<LabelData> = {}): LabelData =>
  ({ ...sample, containerVolumeL: volumeL, ...over });
