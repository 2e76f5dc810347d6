export type Hazard = 'T' | 'C' | 'I' | 'R' | 'In';

export interface LabelData {
  wasteName: string; // e.g. "含有机溶剂的精馏残渣"
  wasteCode: string; // "271-001-02"
  wasteCategory: string; // "HW02"
  hazards: Hazard[]; // 毒性 T, 腐蚀性 C, 易燃性 I, 反应性 R, 感染性 In
  physicalForm: string; // "固态" / "液态" / "半固态"
  components: string; // main components, free text
  producerName: string;
  producerContact: string; // person and phone
  generationDate: string; // YYYY-MM-DD
  identificationCode: string; // the 37-character 数字识别码
  qrUrl: string; // GS1 Digital Link URL carried by the QR code
  containerVolumeL: number; // decides the size
  precautions?: string; // 注意事项
}

/** Drawing primitives in label units (a 100 × 100 reference label; scaled to the real size). */
export interface Paint { fill?: string; stroke?: string; sw?: number }
export type Prim =
  | ({ k: 'rect'; x: number; y: number; w: number; h: number } & Paint)
  | ({ k: 'path'; d: string; crisp?: boolean } & Paint) // crisp: no anti-aliasing wanted (QR)
  | ({ k: 'circle'; cx: number; cy: number; r: number } & Paint)
  | { k: 'text'; x: number; y: number; size: number; text: string; bold?: boolean; mono?: boolean; anchor?: 'start' | 'middle' }
  | { k: 'clip'; x: number; y: number; w: number; h: number } // clips every later primitive
  ;

export interface Drawing { sizeMm: 100 | 150 | 200; prims: Prim[] }
